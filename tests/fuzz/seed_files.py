"""What the corpus scripts of the configuration targets share: writing a
seed corpus (standard library only)."""
import os


def write_seeds(out, seeds, suffix=".yaml"):
    """Replaces the seeds in `out` with `seeds` (name -> text or bytes), one
    file each. found_* files, inputs a fuzzer found and kept by hand, stay."""
    os.makedirs(out, exist_ok=True)
    for old in os.listdir(out):
        if not old.startswith("found_"):
            os.remove(os.path.join(out, old))
    for name, text in seeds.items():
        with open(os.path.join(out, name + suffix), "wb") as f:
            f.write(text.encode() if isinstance(text, str) else text)
    print(f"{len(seeds)} seeds in {out}")
