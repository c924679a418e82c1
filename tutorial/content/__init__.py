"""The course's content and its rules: data models, loaders, cun geometry, timing, practice.

Pure Python: nothing here imports matplotlib or ipywidgets, so scripts, tests and the static
site's exporter can use the rules without a drawing backend or a kernel.
"""
