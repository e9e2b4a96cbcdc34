"""Writes the seed corpus of the module-loading fuzzer (tests/fuzz/corpus): small CPU modules
as zip and tar archives, and damaged variants (a changed manifest, a cut archive). Run from
the repository root after `make build`; the files are committed."""
import io
import json
import os
import sys
import tarfile
import tempfile
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import qtaichi as ti  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fuzz", "corpus")


def main():
    ti.init(arch=ti.cpu, offline_cache=False)
    x = ti.field(ti.f32, shape=4)

    @ti.kernel
    def add(a: ti.types.ndarray(dtype=ti.f32, ndim=1), s: ti.f32) -> ti.f32:
        t = 0.0
        for i in x:
            x[i] += a[i] * s
            t += x[i]
        return t

    m = ti.aot.Module(ti.cpu)
    m.add_field("x", x)
    m.add_kernel(add)
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        m.save(tmp)
        files = {f: open(os.path.join(tmp, f), "rb").read() for f in sorted(os.listdir(tmp))}

    def zipped(fs):
        b = io.BytesIO()
        with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in fs.items():
                z.writestr(name, data)
        return b.getvalue()

    def tarred(fs):
        b = io.BytesIO()
        with tarfile.open(fileobj=b, mode="w") as t:
            for name, data in fs.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
        return b.getvalue()

    manifest = json.loads(files["manifest.json"])
    seeds = {"module.zip": zipped(files), "module.tar": tarred(files)}
    only_manifest = {"manifest.json": files["manifest.json"]}
    seeds["manifest_only.zip"] = zipped(only_manifest)
    m2 = dict(manifest, format=2)
    seeds["format2.zip"] = zipped({"manifest.json": json.dumps(m2).encode()})
    m3 = json.loads(json.dumps(manifest))
    m3["kernels"][0]["desc"]["tasks"][0]["end_temp"] = 1 << 40
    seeds["bad_task.zip"] = zipped({"manifest.json": json.dumps(m3).encode()})
    seeds["cut.zip"] = seeds["module.zip"][: len(seeds["module.zip"]) // 2]
    for name, data in seeds.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print(f"{len(seeds)} seeds in {OUT}")


if __name__ == "__main__":
    main()
