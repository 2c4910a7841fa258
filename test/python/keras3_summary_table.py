"""Renders summary tables with the real `rich` library, making the calls Keras 3's print_summary
makes (keras/src/utils/summary_utils.py): fixed-width Columns from `positions`, a Table of width
line_length with show_lines=True, printed through a capturing Console without colour.

Reads a JSON list of cases ({id, name, sequential, lineLength, positions, rows, params}) from the
file named on the command line; writes {id: text} as JSON to stdout. The totals follow Keras'
readable_memory_size for float32 weights, 4 bytes a parameter, `trainableParams` of them trainable
(all when not given). With `showTrainable`, the Trainable column as print_summary adds it: the
positions scaled by 0.90 and 1.0 appended, the column centred. Nested rows come already prefixed.
"""
import json
import sys

import rich.console
import rich.markup
import rich.table


def readable_memory_size(size):
    units = ["B", "KB", "MB", "GB", "TB", "PB"]
    for unit in units:
        if size / 1024 < 1:
            return "{:.2f} {}".format(size, unit)
        size /= 1024
    return "{:.2f} {}".format(size, units[-1])


def render(case):
    sequential = case["sequential"]
    line_length = case["lineLength"]
    positions = case.get("positions") or ([0.45, 0.80, 1.0] if sequential else [0.3, 0.56, 0.74, 1.0])
    header = ["Layer (type)", "Output Shape", "Param #"] + ([] if sequential else ["Connected to"])
    alignment = ["left", "left", "right"] + ([] if sequential else ["left"])
    if case.get("showTrainable"):
        positions = [p * 0.90 for p in positions] + [1.0]
        header.append("Trainable")
        alignment.append("center")
    widths = []
    current = 0
    for pos in positions:
        width = int(pos * line_length) - current
        widths.append(width)
        current += width
    columns = [rich.table.Column(name, justify=alignment[i], width=widths[i]) for i, name in enumerate(header)]
    table = rich.table.Table(*columns, width=line_length, show_lines=True)
    for row in case["rows"]:
        table.add_row(*[rich.markup.escape(field) for field in row])
    console = rich.console.Console(highlight=False, force_terminal=False, color_system=None, width=200)
    console.begin_capture()
    console.print(f'Model: "{rich.markup.escape(case["name"])}"')
    console.print(table)
    params = case["params"]
    trainable = case.get("trainableParams", params)
    frozen = params - trainable
    console.print(f" Total params: {params:,} ({readable_memory_size(params * 32 / 8)})")
    console.print(f" Trainable params: {trainable:,} ({readable_memory_size(trainable * 32 / 8)})")
    console.print(f" Non-trainable params: {frozen:,} ({readable_memory_size(frozen * 32 / 8)})")
    return console.end_capture()


with open(sys.argv[1], encoding="utf8") as cases_file:
    cases = json.load(cases_file)
json.dump({case["id"]: render(case) for case in cases}, sys.stdout)
