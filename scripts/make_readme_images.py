#!/usr/bin/env python3
"""Regenerate the README's quick-tour images (docs/img/*.png) from papikit itself.

Usage: python scripts/make_readme_images.py [--out docs/img]

Every image is drawn by papikit.plot from the embedded published results, so the README shows what
the package really produces. Deterministic (no random input); re-run after changing the charts.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
# reproducible PNGs: no timestamps / software version in the metadata
METADATA = {"Software": None}

import papikit as pk  # noqa: E402
import papikit.plot as pkp  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "docs" / "img"))
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    y2023 = pk.published(2023, lang="vi")
    charts = {
        "radar_dak_lak_2023.png": (pkp.radar(y2023, "Đắk Lắk", peers=["Gia Lai", "Lâm Đồng"], lang="vi"), 80),
        "tile_map_2023.png": (pkp.tile_map(y2023, highlight="Đắk Lắk", lang="vi"), 70),
        "trend_dak_lak.png": (pkp.trend(pk.published(), ["Đắk Lắk", "Gia Lai"], lang="en"), 80),
    }
    for name, (ax, dpi) in charts.items():
        path = out / name
        ax.figure.savefig(path, dpi=dpi, bbox_inches="tight", metadata=METADATA)
        pkp.close(ax)
        print(f"wrote {path} ({path.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
