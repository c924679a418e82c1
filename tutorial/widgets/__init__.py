"""What the lessons show: anywidget/ipywidgets views over the content and the drawings."""
