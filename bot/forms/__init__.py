"""Modals, one module per form: its callback id, block ids, hidden state, builder and parser.

`base` holds what every form shares: errors under fields, hidden state, reading submitted values, turning
them into a service's draft; `elements` the Block Kit inputs the forms are made of.
"""
