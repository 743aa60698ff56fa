"""The cramp diary (`cramp-assistant log --report`): a one-page report from the cramp log for a doctor.

`figures` computes the numbers (pure, no drawing), `labels` and `text` word them from content/, `charts`
draws them, `page` and `pdf` lay out the HTML page and the PDF, `report` writes both files.
"""
