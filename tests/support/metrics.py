"""Reading the Prometheus metrics endpoint's text format in tests."""
from __future__ import annotations


def metric(text: str, name: str, **labels) -> float:
    """The value of one sample in Prometheus's text format (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        sample, _, value = line.rpartition(" ")
        sample_name, _, rest = sample.partition("{")
        found = ",".join(sorted(rest.rstrip("}").split(","))) if rest else ""
        if sample_name == name and found == wanted:
            return float(value)
    return 0.0
