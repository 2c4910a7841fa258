"""Renders tf.keras 2 summary tables with nested models expanded, by the rules of tf.keras'
print_summary (keras v2.13.1, keras/utils/layer_utils.py): its print_row (the first column gives
one character per nesting level, a nested row starts and ends with that many '|'), and its
print_layer (a nested model's rows framed by '|'/'¯' lines, a blank row after each layer but the
last one of a nested model). show_trainable widens the line by 11 and adds a Trainable column.

Reads a JSON list of cases ({id, name, lineLength, positions, header, rows, totals, showTrainable})
from the file named on the command line, where each row is {fields, nested: [rows]} and totals are
the lines after the closing '=' rule; writes {id: text} as JSON to stdout. The defaults and the
totals lines are the caller's (they differ between tf.keras 2 versions); the rules below are not.
"""
import json
import sys


def render(case):
    out = []
    print_fn = out.append
    line_length = case["lineLength"]
    positions = case["positions"]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    to_display = list(case["header"])
    if case["showTrainable"]:
        line_length += 11
        positions.append(line_length)
        to_display.append("Trainable")

    def print_row(fields, positions, nested_level=0):
        left_to_print = [str(x) for x in fields]
        while any(left_to_print):
            line = ""
            for col in range(len(left_to_print)):
                if col > 0:
                    start_pos = positions[col - 1]
                else:
                    start_pos = 0
                end_pos = positions[col]
                space = 2 if col != len(positions) - 1 else 0
                cutoff = end_pos - start_pos - space
                if col != len(positions) - 1:
                    cutoff -= 1
                if col == 0:
                    cutoff -= nested_level
                fit_into_line = left_to_print[col][:cutoff]
                line_break_conditions = ("),", "},", "],", "',")
                candidate_cutoffs = [
                    fit_into_line.find(x) + len(x)
                    for x in line_break_conditions
                    if fit_into_line.find(x) >= 0
                ]
                if candidate_cutoffs:
                    cutoff = min(candidate_cutoffs)
                    fit_into_line = fit_into_line[:cutoff]

                if col == 0:
                    line += "|" * nested_level + " "
                line += fit_into_line
                line += " " * space if space else ""
                left_to_print[col] = left_to_print[col][cutoff:]

                if nested_level and col == len(positions) - 1:
                    line += " " * (positions[col] - len(line) - nested_level)
                else:
                    line += " " * (positions[col] - len(line))
            line += "|" * nested_level
            print_fn(line)

    print_fn(f'Model: "{case["name"]}"')
    print_fn("_" * line_length)
    print_row(to_display, positions)
    print_fn("=" * line_length)

    def print_layer(layer, nested_level=0, is_nested_last=False):
        print_row(layer["fields"], positions, nested_level)

        if layer["nested"]:
            print_fn(
                "|" * (nested_level + 1)
                + "¯" * (line_length - 2 * nested_level - 2)
                + "|" * (nested_level + 1)
            )

            nested_layer = layer["nested"]
            is_nested_last = False
            for i in range(len(nested_layer)):
                if i == len(nested_layer) - 1:
                    is_nested_last = True
                print_layer(nested_layer[i], nested_level + 1, is_nested_last)

            print_fn(
                "|" * nested_level
                + "¯" * (line_length - 2 * nested_level)
                + "|" * nested_level
            )

        if not is_nested_last:
            print_fn(
                "|" * nested_level
                + " " * (line_length - 2 * nested_level)
                + "|" * nested_level
            )

    for layer in case["rows"]:
        print_layer(layer)
    print_fn("=" * line_length)
    for line in case["totals"]:
        print_fn(line)
    print_fn("_" * line_length)
    return "\n".join(out)


with open(sys.argv[1], encoding="utf8") as cases_file:
    cases = json.load(cases_file)
json.dump({case["id"]: render(case) for case in cases}, sys.stdout)
