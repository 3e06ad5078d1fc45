#!/usr/bin/env python3
"""The size-profile benchmark: run by hand, not in CI (it builds the heavy example many times).

    python3 bench/run.py            # prints the report, writes docs/benchmarks.md
    python3 bench/run.py ladder-cost  # section 5 alone, replaced in docs/benchmarks.md
    python3 bench/run.py why          # section 7 alone, likewise

Every figure is measured in the same run, side by side:
  1. the size ladder of each example (the `ladder` command's own table);
  2. against peers on the same project: plain release, our `apply --preset min-size`, our
     `ladder --apply-best`, and cargo-wizard's min-size template (installed with cargo install);
  3. the cost to the user's build: clean build of examples/cli with and without the build.rs
     check and the attribute (pairs of runs, with CPU time and cargo's per-unit timings), the
     build script's own run time,
     and the clean compile time of `size-profile` (from its `cargo package` archive) against
     `toml` with only its parser;
  4. zero footprint: release bytes with and without `#[size_optimized]`;
  5. the ladder's cost on examples/cli: its wall time and disk against the same steps as clean
     full builds (`SIZE_PROFILE_LADDER_CLEAN_BUILDS=1`), the same sizes both ways, an unchanged
     second run against the first, and the best combination rebuilt from scratch by a plain
     `cargo build --release` after `--apply-best`;
  6. reading large TOML: `check` on a manifest with 10,000 and 80,000 keys in one table, in order
     and in reverse order (reading was quadratic in the keys of a table in 0.1.0);
  7. `why` against cargo-bloat's `--crates` on the same unstripped build of examples/cli.
Work happens under target/bench/; the examples are copied there, nothing in the tree is edited.
"""

import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "bench"
CLI = ROOT / "target" / "release" / "cargo-size-profile"
TOOLS = WORK / "tools"
WIZARD = TOOLS / "bin" / "cargo-wizard"


def run(cmd, cwd=None, env=None, check=True):
    """Runs a command; returns (stdout, seconds)."""
    full_env = dict(os.environ)
    for key in ["RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_TARGET_DIR", "CARGO_INCREMENTAL"]:
        full_env.pop(key, None)
    full_env.update(env or {})
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=full_env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if check and done.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))} (in {cwd})\n{done.stderr[-3000:]}")
    return done.stdout, seconds


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def copy_example(name, dest):
    """Copies an example, its path dependencies made absolute, without build output."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(ROOT / "examples" / name, dest, ignore=shutil.ignore_patterns("target"))
    for manifest in dest.rglob("Cargo.toml"):
        text = manifest.read_text()
        text = re.sub(r'path = "((?:\.\./)+)(size-profile[a-z-]*)"', lambda m: f'path = "{ROOT / m.group(2)}"', text)
        manifest.write_text(text)
    return dest


def without_release_profile(project):
    """Removes [profile.release] from a copy's manifest: cargo's default release profile."""
    manifest = project / "Cargo.toml"
    text = re.sub(r"\n\[profile\.release\]\n(?:[^\[\n][^\n]*\n|\n)*", "\n", manifest.read_text())
    manifest.write_text(text)


def release_size(project, binary, target):
    """Builds in release and returns the binary's size and the build's seconds."""
    _, seconds = run(["cargo", "build", "--release", "--bin", binary], cwd=project, env={"CARGO_TARGET_DIR": str(target)})
    return (target / "release" / binary).stat().st_size, seconds


def fmt(n):
    return f"{n:,}"


def ladder(project, target, extra=(), fmt_="markdown", env=None):
    out, seconds = run([str(CLI), "ladder", "--format", fmt_, *extra], cwd=project,
                       env={"CARGO_TARGET_DIR": str(target), **(env or {})})
    return out, seconds


def du(path, apart=None):
    """Bytes of the files under a path, each file once (cargo hard-links what it uplifts);
    0 when the path is missing. With `apart` (paths): (all, the part under them) from one walk."""
    total, inside, seen = 0, 0, set()
    for dirpath, _, files in os.walk(path):
        under = apart is not None and any(Path(dirpath).is_relative_to(a) for a in apart)
        for f in files:
            try:
                st = os.lstat(os.path.join(dirpath, f))
            except OSError:
                continue
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_size
                inside += st.st_size if under else 0
    return total if apart is None else (total, inside)


def ladder_with_disk(project, target, env=None):
    """The ladder in JSON, with the most disk its directory held (sampled every second): all
    of it, and the release builds alone (without the dev step's `debug` directory)."""
    import threading
    peak = [0, 0]
    done = threading.Event()

    def sample():
        while not done.wait(1.0):
            ladder_dir = target / "size-profile" / "ladder"
            # one walk for both, so the dev build cannot go between two of them
            # the dev build is in one of the two lanes
            lanes = [ladder_dir / "build" / lane / "debug" for lane in ("0", "1")]
            whole, dev = du(ladder_dir, apart=lanes)
            peak[0] = max(peak[0], whole)
            peak[1] = max(peak[1], whole - dev)
    watcher = threading.Thread(target=sample)
    watcher.start()
    try:
        out, seconds = ladder(project, target, fmt_="json", env=env)
    finally:
        done.set()
        watcher.join()
    return json.loads(out), seconds, (peak[0], peak[1])


def section_ladders(report):
    report.append("## 1. Size ladder of each example\n")
    report.append("The `ladder` command's own table: each step adds one setting, `\"s\"`/`\"z\"` and thin/fat "
                  "LTO are both measured and the smaller goes on, a step that grows the binary is not kept.\n")
    cases = [("hello", "hello", []), ("workspace", "hello", ["--package", "tools", "--bin", "hello"])]
    for name, binary, extra in cases:
        log(f"ladder on examples/{name}")
        project = copy_example(name, WORK / f"ladder-{name}")
        out, _ = ladder(project, WORK / f"target-ladder-{name}", extra)
        report.append(f"### examples/{name} (`{binary}`)\n\n{out}")
    report.append("examples/cli's ladder is in section 2 (its `--apply-best` run).\n")


def section_peers(report, results):
    report.append("## 2. Against the alternatives, on the same project\n")
    report.append("Each column starts from a copy of the example with cargo's default release profile. "
                  "*ours, apply* is `cargo size-profile apply --preset min-size`; *ours, ladder* is "
                  "`cargo size-profile ladder --apply-best` (its profile settings into `Cargo.toml`, its kept "
                  "linker flag into `[target.<host>] rustflags` of `.cargo/config.toml`); *cargo-wizard* is `cargo wizard apply min-size "
                  "release`. Sizes are of `cargo build --release` afterwards.\n")
    rows = []
    for name, binary in [("hello", "hello"), ("cli", "foldersync")]:
        sizes = {}
        for variant in ["release", "apply", "ladder", "wizard"]:
            log(f"peers: examples/{name}, {variant}")
            project = copy_example(name, WORK / f"peer-{name}-{variant}")
            without_release_profile(project)
            target = WORK / f"target-peer-{name}-{variant}"
            if variant == "apply":
                run([str(CLI), "apply", "--preset", "min-size"], cwd=project, env={"CARGO_TARGET_DIR": str(target)})
            elif variant == "ladder":
                out, _ = ladder(project, target, ["--apply-best"])
                if name == "cli":
                    table = out.split("\n--- Cargo.toml")[0]
                    report.append(f"### The ladder of examples/cli (`foldersync`)\n\n{table}\n")
            elif variant == "wizard":
                run([str(WIZARD), "wizard", "apply", "min-size", "release"], cwd=project)
            sizes[variant], _ = release_size(project, binary, target)
        results[f"peers-{name}"] = sizes
        base = sizes["release"]
        rows.append(f"| examples/{name} | {fmt(base)} | "
                    + " | ".join(f"{fmt(sizes[v])} ({sizes[v] / base:.2f}x)" for v in ["apply", "ladder", "wizard"]) + " |")
    report.append("| project | release | ours, apply | ours, ladder | cargo-wizard min-size |")
    report.append("|---|---|---|---|---|")
    report.extend(rows)
    ok_apply = all(results[f"peers-{n}"]["apply"] <= results[f"peers-{n}"]["wizard"] for n in ["hello", "cli"])
    strictly = any(results[f"peers-{n}"]["ladder"] < results[f"peers-{n}"]["wizard"] for n in ["hello", "cli"])
    report.append(f"\nGoal: ours ≤ cargo-wizard's: **{'met' if ok_apply else 'not met'}**; "
                  f"`--apply-best` strictly smaller on at least one example: **{'met' if strictly else 'not met'}**.\n")


def strip_check(project):
    """Removes the build script check and the attribute from a copy of examples/cli."""
    (project / "build.rs").unlink()
    manifest = project / "Cargo.toml"
    text = manifest.read_text()
    text = re.sub(r"\n\[build-dependencies\]\nsize-profile = [^\n]*\n", "\n", text)
    text = re.sub(r"size-profile-macros = [^\n]*\n", "", text)
    manifest.write_text(text)
    main = project / "src" / "main.rs"
    main.write_text(main.read_text().replace("use size_profile_macros::size_optimized;\n", "").replace("#[size_optimized]\n", ""))


def cpu_seconds():
    """User and system CPU time of all finished child processes so far."""
    import resource
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def clean_release_build(project, target):
    """One clean release build: wall seconds, CPU seconds, and each unit's compile seconds as
    cargo's `--timings` report gives them (`name` or `name target`, e.g. `foldersync build-script`)."""
    if target.exists():
        shutil.rmtree(target)
    cpu = cpu_seconds()
    _, seconds = run(["cargo", "build", "--release", "--offline", "--timings"], cwd=project,
                     env={"CARGO_TARGET_DIR": str(target)})
    cpu = cpu_seconds() - cpu
    html = next((target / "cargo-timings").glob("cargo-timing-*.html")).read_text()
    units = {}
    for unit in json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S).group(1)):
        name = f"{unit['name']} {unit['target'].strip()}".strip()
        units[name] = units.get(name, 0) + unit["duration"]
    return seconds, cpu, units


def clean_builds_in_pairs(variants, project, target, pairs=7):
    """Clean release builds of each variant of a project back to back, `pairs` times, the order
    swapped each time, so that a slow spell of the machine hits both builds of a pair alike.
    Every build happens in the same directory and target path, written afresh by the variant's
    `prepare(project)`: on this machine the same project built in two directories differs by
    more than the effect measured. Returns each variant's builds, in pair order."""
    builds = {name: [] for name in variants}
    for i in range(pairs):
        order = list(variants) if i % 2 == 0 else list(reversed(variants))
        for name in order:
            variants[name](project)
            builds[name].append(clean_release_build(project, target))
    return builds


def build_script_ms(project, target):
    """The build script's own run time: its binary run as cargo runs it, median of 21."""
    scripts = sorted((target / "release" / "build").glob("foldersync-*/build-script-build"))
    if not scripts:
        return None
    out_dir = WORK / "bs-out" / "release" / "build" / "foldersync-0000" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, CARGO_MANIFEST_DIR=str(project), CARGO_PKG_NAME="foldersync", OUT_DIR=str(out_dir),
               PROFILE="release", OPT_LEVEL="z", DEBUG="false", CARGO_ENCODED_RUSTFLAGS="")
    samples = []
    for _ in range(21):
        start = time.perf_counter()
        subprocess.run([str(scripts[0])], env=env, capture_output=True, check=True)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def packaged_size_profile():
    """`size-profile` as crates.io would serve it: `cargo package`d and unpacked (a normalised
    manifest, no workspace to load). Returns its directory."""
    run(["cargo", "package", "-p", "size-profile", "--no-verify", "--allow-dirty"], cwd=ROOT)
    crate = next((ROOT / "target" / "package").glob("size-profile-[0-9]*.crate"))
    dest = WORK / "packaged"
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    run(["tar", "xzf", str(crate), "-C", str(dest)])
    return next(dest.iterdir())


def compile_seconds(dependency, name, runs=5):
    """Clean `cargo build` (dev) time of a crate with one dependency, i.e. of that dependency:
    the fastest of `runs`. Incremental compilation is off, as for every registry dependency."""
    project = WORK / f"compile-{name}"
    if project.exists():
        shutil.rmtree(project)
    (project / "src").mkdir(parents=True)
    (project / "Cargo.toml").write_text(
        f'[package]\nname = "c{name.replace("-", "")}"\nversion = "0.1.0"\nedition = "2021"\n\n[workspace]\n\n[dependencies]\n{dependency}\n')
    (project / "src" / "lib.rs").write_text("")
    run(["cargo", "fetch"], cwd=project)
    target = WORK / f"target-compile-{name}"
    times = []
    for _ in range(runs):
        if target.exists():
            shutil.rmtree(target)
        _, seconds = run(["cargo", "build", "--offline"], cwd=project,
                         env={"CARGO_TARGET_DIR": str(target), "CARGO_INCREMENTAL": "0"})
        times.append(seconds)
    return min(times)


def section_cost(report, results):
    report.append("## 3. Cost to the user's build\n")
    log("cost: examples/cli with and without the check (clean release builds, in pairs)")
    project, target = WORK / "cost", WORK / "target-cost"

    def with_check(project):
        copy_example("cli", project)

    def without(project):
        copy_example("cli", project)
        strip_check(project)

    with_check(project)
    run(["cargo", "fetch"], cwd=project)
    builds = clean_builds_in_pairs({"with": with_check, "without": without}, project, target)
    with_check(project)
    run(["cargo", "build", "--release", "--offline"], cwd=project, env={"CARGO_TARGET_DIR": str(target)})
    ms = build_script_ms(project, target)
    log("cost: compile time of size-profile against toml")
    packaged = packaged_size_profile()
    ours = compile_seconds(f'size-profile = {{ path = "{packaged}" }}', "size-profile")
    toml_parse = compile_seconds('toml = { version = "1", default-features = false, features = ["std", "parse"] }', "toml-parse")
    toml_serde = compile_seconds('toml = "1"', "toml-serde", runs=3)
    syn_full = compile_seconds('syn = { version = "2", features = ["full"] }', "syn-full", runs=3)
    differences = [(w[0] / o[0] - 1) * 100 for w, o in zip(builds["with"], builds["without"])]
    slower = statistics.median(differences)
    wall = {k: statistics.median(b[0] for b in v) for k, v in builds.items()}
    cpu = {k: statistics.median(b[1] for b in v) for k, v in builds.items()}
    # the units only the build with the check compiles, and the compile work of each build
    added = {}
    for w in builds["with"]:
        for name, seconds in w[2].items():
            if name not in builds["without"][0][2]:
                added.setdefault(name, []).append(seconds)
    added = {name: statistics.median(v) for name, v in added.items()}
    work = statistics.median(sum(w[2].values()) for w in builds["with"])
    results.update(with_check=wall["with"], without_check=wall["without"], slower=slower, script_ms=ms,
                   ours=ours, toml_parse=toml_parse)
    pairs = ", ".join(f"{d:+.1f}" for d in differences)
    report.append("| measure | value | goal |")
    report.append("|---|---|---|")
    report.append(f"| clean release build of examples/cli, with the check and the attribute | {wall['with']:.1f} s (CPU {cpu['with']:.1f} s) | |")
    report.append(f"| the same without them | {wall['without']:.1f} s (CPU {cpu['without']:.1f} s) | |")
    report.append(f"| difference, median of {len(differences)} pairs ({pairs} %) | {slower:+.1f} % | ≤ 3 % slower: **{'met' if slower <= 3 else 'not met'}** |")
    units = ", ".join(f"`{name}` {seconds:.2f} s" for name, seconds in sorted(added.items(), key=lambda x: -x[1]))
    report.append(f"| what the check adds to the build: {units} | {sum(added.values()):.2f} s of {work:.0f} s of compile work ({sum(added.values()) / work * 100:.1f} %) | |")
    if ms is not None:
        report.append(f"| the build script's own run (median of 21) | {ms:.1f} ms | ≤ 20 ms: **{'met' if ms <= 20 else 'not met'}** |")
    report.append(f"| clean compile of `size-profile` | {ours:.2f} s | |")
    report.append(f"| clean compile of `toml`, parser only | {toml_parse:.2f} s | |")
    report.append(f"| ratio | {ours / toml_parse:.2f}x | ≤ 1.5x: **{'met' if ours / toml_parse <= 1.5 else 'not met'}** |")
    report.append(f"| for scale: `toml` with serde / `syn` full | {toml_serde:.2f} s / {syn_full:.2f} s | |")
    report.append("\nThe examples/cli builds are clean release builds taken in pairs, one of each back to back, "
                  f"{len(differences)} times with the order swapped each time, both in the same directory and "
                  "target path (the project's files rewritten before each build); the wall and CPU (user + system) "
                  "times are medians, and the difference is the median of the pairs' differences. The machine "
                  "has two cores and its speed drifts by up to ten percent between identical builds, so a single "
                  "pair says little; the compile work row (each unit's time in `cargo build --timings`, summed) "
                  "is the steadier measure of what the check costs. The compile rows are the fastest of five "
                  "(three for scale) clean dev builds with incremental compilation off, as a registry dependency "
                  "is built; `size-profile` is built from its `cargo package` archive, as crates.io serves it.\n")
    report.append("How the crate keeps its cost down: it has no dependencies (it reads TOML with its own small "
                  "reader, tested against the `toml` crate), and it keeps its data in two small maps (one slot per "
                  "setting, a sorted list of names) instead of `BTreeMap`s, whose code is generated anew for each "
                  "key and value type.\n")


def section_footprint(report, results):
    report.append("## 4. Zero footprint\n")
    log("footprint: examples/cli with and without #[size_optimized]")
    project = copy_example("cli", WORK / "footprint")
    target = WORK / "target-footprint"
    with_attr, _ = release_size(project, "foldersync", target)
    main = project / "src" / "main.rs"
    main.write_text(main.read_text().replace("#[size_optimized]\n", "\n", 1))
    without_attr, _ = release_size(project, "foldersync", target)
    results.update(footprint=(with_attr, without_attr))
    report.append("| examples/cli release binary | bytes |\n|---|---|")
    report.append(f"| with `#[size_optimized]` | {fmt(with_attr)} |")
    report.append(f"| without (the line left blank) | {fmt(without_attr)} |")
    report.append(f"\nGoal: identical: **{'met' if with_attr == without_attr else 'not met'}** "
                  f"(the tests also compare the bytes, on a smaller program).\n")


def relink_checks(example, binary, ladder_json):
    """The relinks the ladder does not do, measured: a step that changes only `strip`, or
    `lto` from fat to thin, built as a plain build and as `cargo rustc -- <flag>` over the step
    before it (which compiles the final crate alone). The settings are the ladder's kept ones
    before that step, on a copy with cargo's default release profile. Returns a list of
    (what, plain bytes, relinked bytes)."""
    project = copy_example(example, WORK / "relink")
    without_release_profile(project)
    env_name = lambda key: "CARGO_PROFILE_RELEASE_" + key.upper().replace("-", "_")
    env_value = lambda v: str(v).lower() if isinstance(v, bool) else str(v)

    def kept_before(step, value):
        kept = {}
        for st in ladder_json["steps"]:
            if st["step"] == step and st["value"] == value:
                return kept
            if st["kept"] and st["step"] in ("opt-level", "lto", "codegen-units", "panic", "strip"):
                kept[env_name(st["step"])] = env_value(st["value"])
        sys.exit(f"the ladder has no step {step} = {value}")

    def size(target):
        return (target / "release" / binary).stat().st_size

    out = []
    for what, (step, value), flag in [("strip = true", ("strip", True), "strip=symbols"),
                                      ('lto = "thin" instead of true', ("lto", True), "lto=thin")]:
        before = kept_before(step, value)
        plain_target, relink_target = WORK / "relink-plain", WORK / "relink-over"
        for t in (plain_target, relink_target):
            shutil.rmtree(t, ignore_errors=True)
        want = dict(before, **{env_name(step): env_value(value) if step != "lto" else "thin"})
        if step == "lto":
            # over the fat build: lto = true is the step before, thin the one measured
            before = dict(before, **{env_name("lto"): "true"})
        run(["cargo", "build", "--release", "--bin", binary], cwd=project,
            env={"CARGO_TARGET_DIR": str(plain_target), **want})
        run(["cargo", "build", "--release", "--bin", binary], cwd=project,
            env={"CARGO_TARGET_DIR": str(relink_target), **before})
        run(["cargo", "rustc", "--release", "--bin", binary, "--", "-C", flag], cwd=project,
            env={"CARGO_TARGET_DIR": str(relink_target), **before})
        out.append((what, size(plain_target), size(relink_target)))
        for t in (plain_target, relink_target):
            shutil.rmtree(t, ignore_errors=True)
    return out


def section_ladder_cost(report, results):
    report.append("## 5. The ladder's own cost\n")
    example = os.environ.get("BENCH_EXAMPLE", "cli")
    report.append(f"The ladder on examples/{example} twice from a cold target directory: as it runs (two "
                  "lanes, the next step started in one while the step before links in the other, each "
                  "trimmed to what the next steps reuse; linker-flag steps relinked; measurements kept), and "
                  "with every step a clean full build in an empty directory "
                  "(`SIZE_PROFILE_LADDER_CLEAN_BUILDS=1`, what 0.1 did). Disk is sampled every second.\n")
    # BENCH_EXAMPLE=hello: the same section on the small example, to try the script quickly
    example = os.environ.get("BENCH_EXAMPLE", "cli")
    binary = {"cli": "foldersync", "hello": "hello"}[example]
    project = copy_example(example, WORK / "ladder-cost")
    clean_target = WORK / "target-ladder-clean"
    target = WORK / "target-ladder-cost"
    # BENCH_PAIRS=n: n pairs of runs, the order swapped each time, the ratio the median of the
    # pairs' ratios (this machine's speed drifts within the hour); the other rows are of the
    # last pair
    pairs = int(os.environ.get("BENCH_PAIRS", "1"))
    ratios = []
    for i in range(pairs):
        for mode in (("clean", "ladder") if i % 2 == 0 else ("ladder", "clean")):
            if mode == "clean":
                log(f"ladder cost: examples/{example}, clean full builds ({i + 1} of {pairs})")
                shutil.rmtree(clean_target, ignore_errors=True)
                cpu = cpu_seconds()
                clean, clean_s, (clean_disk, _) = ladder_with_disk(
                    project, clean_target, {"SIZE_PROFILE_LADDER_CLEAN_BUILDS": "1"})
                clean_cpu = cpu_seconds() - cpu
                shutil.rmtree(clean_target, ignore_errors=True)
            else:
                log(f"ladder cost: examples/{example}, as it runs ({i + 1} of {pairs})")
                shutil.rmtree(target, ignore_errors=True)
                cpu = cpu_seconds()
                first, first_s, (first_disk, release_disk) = ladder_with_disk(project, target)
                first_cpu = cpu_seconds() - cpu
        ratios.append(first_s / clean_s)
    log("ladder cost: unchanged rerun")
    _, second_s = ladder(project, target, fmt_="json")
    same = [a["bytes"] for a in first["steps"]] == [b["bytes"] for b in clean["steps"]]
    log("ladder cost: a plain cargo build --release, cargo's default release profile")
    default_target = WORK / "target-ladder-default"
    shutil.rmtree(default_target, ignore_errors=True)
    run(["cargo", "build", "--release"], cwd=project, env={"CARGO_TARGET_DIR": str(default_target)})
    default_dir = du(default_target)
    shutil.rmtree(default_target, ignore_errors=True)
    log("ladder cost: --apply-best, then a plain cargo build --release from scratch")
    ladder(project, target, ["--apply-best"])
    plain_target = WORK / "target-ladder-plain"
    shutil.rmtree(plain_target, ignore_errors=True)
    run(["cargo", "build", "--release"], cwd=project, env={"CARGO_TARGET_DIR": str(plain_target)})
    plain = (plain_target / "release" / binary).stat().st_size
    one_dir = du(plain_target)
    best = first["best"]["bytes"]
    relinked = [st["step"] for st in first["steps"] if st.get("build") == "relinked"]
    relinked += [f"yours ({st['note']})" for st in first["steps"]
                 if st["step"] == "yours" and st.get("build") == "reused"]
    results.update(ladder_first=first_s, ladder_clean=clean_s, ladder_second=second_s)
    ratio = statistics.median(ratios)
    report.append("| measure | value | goal |\n|---|---|---|")
    report.append(f"| every step a clean full build: wall time | {clean_s:.0f} s | |")
    if pairs == 1:
        report.append(f"| the ladder as it runs: wall time | {first_s:.0f} s ({ratio:.2f}x) | "
                      f"≤ 0.75x: **{'met' if ratio <= 0.75 else 'not met'}** |")
    else:
        shown = ", ".join(f"{r:.2f}x" for r in ratios)
        report.append(f"| the ladder as it runs: wall time, median of {pairs} pairs' ratios ({shown}); "
                      f"the last pair | {ratio:.2f}x; {first_s:.0f} s | "
                      f"≤ 0.75x: **{'met' if ratio <= 0.75 else 'not met'}** |")
    cores = os.cpu_count()
    floor = first_cpu / cores
    report.append(f"| CPU time (user + system): clean full builds; the ladder as it runs | {clean_cpu:.0f} s; "
                  f"{first_cpu:.0f} s ({first_cpu / clean_cpu:.2f}x) | |")
    report.append(f"| the ladder's CPU busy: its CPU time over wall time, of {cores} cores | "
                  f"{first_cpu / first_s * 100:.0f} % of {cores * 100} % | |")
    report.append(f"| the least wall time its work could take here: its CPU time / {cores} cores | "
                  f"{floor:.0f} s ({floor / clean_s:.2f}x) | |")
    report.append(f"| steps relinked over the kept build, or not built | {', '.join(relinked) or 'none'} | |")
    report.append(f"| same size at every step both ways | {'yes' if same else 'no'} | yes: **{'met' if same else 'not met'}** |")
    report.append(f"| most disk under target/size-profile/ladder, release builds | {release_disk / 2**20:.0f} MiB "
                  f"({release_disk / one_dir:.2f}x one release target dir of the best profile, "
                  f"{one_dir / 2**20:.0f} MiB; {release_disk / default_dir:.2f}x one of cargo's default "
                  f"release profile, {default_dir / 2**20:.0f} MiB) | "
                  f"≤ 2x the smaller: **{'met' if release_disk <= 2 * min(one_dir, default_dir) else 'not met'}** |")
    report.append(f"| most disk with the dev step's build (debug info) | {first_disk / 2**20:.0f} MiB | |")
    report.append(f"| clean full builds, most disk | {clean_disk / 2**20:.0f} MiB | |")
    report.append(f"| second, unchanged run | {second_s:.2f} s ({second_s / first_s * 100:.1f} % of the first) | "
                  f"≤ 10 %: **{'met' if second_s / first_s <= 0.10 else 'not met'}** |")
    report.append(f"| the ladder's best; a plain `cargo build --release` from scratch after `--apply-best` | "
                  f"{fmt(best)}; {fmt(plain)} bytes | equal: **{'met' if best == plain else 'not met'}** |\n")
    log("ladder cost: the relinks the ladder does not do")
    checks = relink_checks(example, binary, first)
    report.append("What the ladder cannot relink. Every step but the linker-flag ones changes a "
                  "profile key (opt-level, lto, codegen-units, panic, strip), and cargo hashes the whole "
                  "profile into the `-C metadata` of every crate it compiles, build scripts and proc-macros "
                  "too (`compute_metadata` in cargo's `compilation_files.rs`). Symbol names carry that hash, "
                  "and the order of the code in the binary follows the names. So a step relinked over the "
                  "crates of the step before need not be the binary a plain build of that step gives "
                  "(on examples/hello both relinks below give the same bytes; on examples/cli they do "
                  "not):\n")
    report.append("| step | plain build | relinked over the step before (`cargo rustc -- -C ...`) | difference |\n|---|---|---|---|")
    for what, plain_bytes, relinked_bytes in checks:
        report.append(f"| + {what} | {fmt(plain_bytes)} | {fmt(relinked_bytes)} | {relinked_bytes - plain_bytes:+,} bytes |")
    report.append("\nThe ladder therefore relinks only where the bytes are the same (linker flags) and "
                  "compiles every crate for every other step, as a clean build does. What it saves is "
                  "the relinks, the build scripts, proc-macros and build-script runs a step does not "
                  f"change, and reruns: its CPU time is {first_cpu / clean_cpu:.2f}x the clean builds'. "
                  "The rest of the time it gains by keeping both cores busy: a build ends with its "
                  "final crate alone (with fat LTO, about 15 s of one core on this example), and the "
                  "ladder starts the step expected next meanwhile, in its second lane (a step that "
                  "relinks too, with the crates of the build it relinks over hard-linked there). The "
                  f"{cores} cores were busy {first_cpu / first_s * 100:.0f} % of the time out of "
                  f"{cores * 100} %; its CPU time over {cores} cores, {floor:.0f} s "
                  f"({floor / clean_s:.2f}x), is as fast as this work can go here.\n")
    report.append("One pair of runs decides the time goal only roughly on this machine: its speed "
                  "drifts within the hour, on the same work (the ladder's relink of the final crate, "
                  "the same command each time, took 13 to 19 s in runs of one day; single pairs of "
                  "this section on 2026-11-27 gave 0.65x, 0.86x and 0.92x against clean builds of "
                  "558 to 600 s). The CPU time drifts with it. Three pairs at 34618c7, before the "
                  "ladder kept the build-script runs that proc-macros depend on (339bcc1), gave "
                  "0.92x, 0.82x and 0.94x, with CPU time 0.92x the clean builds'; at 83b9b90, in one "
                  "lane (one build at a time), 0.83x, 0.80x and 0.81x, with its cores busy 166 % of "
                  "the time; at 8af055c, in two lanes but with a step that relinks waiting for the "
                  "build it relinks over (one core idle meanwhile), 0.72x, 0.76x and 0.77x, CPU time "
                  "0.82x, cores busy 182 %. "
                  "`BENCH_PAIRS=3` runs three pairs, the order swapped each time, and takes the "
                  f"median of their ratios (this run: {pairs}).\n")



def section_why(report, results):
    """`why --format json` and `cargo bloat --crates` on the same unstripped build of examples/cli."""
    report.append("## 7. `why` against cargo-bloat\n")
    bloat = TOOLS / "bin" / "cargo-bloat"
    if not bloat.exists():
        log("installing cargo-bloat")
        run(["cargo", "install", "cargo-bloat", "--locked", "--root", str(TOOLS)])
    bloat_version, _ = run([str(bloat), "bloat", "--version"], check=False)
    project = copy_example("cli", WORK / "why-cli")
    target = WORK / "target-why"
    log("why on examples/cli")
    out, why_s = run([str(CLI), "why", "--format", "json", "--symbols", "0"], cwd=project,
                     env={"CARGO_TARGET_DIR": str(target)})
    ours = json.loads(out)["binaries"][0]
    # cargo-bloat builds the same profile with the same STRIP=false into the same directory:
    # cargo finds it fresh, so both read one file
    log("cargo bloat --crates on the same build")
    out, _ = run([str(bloat), "bloat", "--release", "--crates", "-n", "0", "--message-format", "json"],
                 cwd=project, env={"CARGO_TARGET_DIR": str(target / "size-profile" / "why")})
    theirs = json.loads(out)
    text = ours["text_bytes"]
    report.append(f"examples/cli's release profile with its symbols kept, read by `cargo size-profile why` "
                  f"and by cargo-bloat {bloat_version.split()[-1] if bloat_version.split() else ''} "
                  f"(`--crates`), on the same file ({fmt(ours['file_bytes'])} bytes; cargo-bloat's file: "
                  f"{fmt(theirs['file-size'])}; .text {fmt(text)} and {fmt(theirs['text-section-size'])}). "
                  f"`why` took {why_s:.1f} s with its build.\n")
    by_bloat = {c["name"]: c["size"] for c in theirs["crates"]}
    names = sorted({c["name"] for c in ours["crates"]} | set(by_bloat),
                   key=lambda n: -max(by_bloat.get(n, 0), next((c["code_bytes"] for c in ours["crates"] if c["name"] == n), 0)))
    ours_by = {c["name"]: c["code_bytes"] for c in ours["crates"]}
    # our row of code no crate is named for is cargo-bloat's [Unknown]
    ours_by["[Unknown]"] = ours_by.pop("[unattributed]", 0)
    names = [("[Unknown]" if n == "[unattributed]" else n) for n in names]
    names = list(dict.fromkeys(names))
    worst = 0.0
    report.append("| crate | why: code | cargo-bloat | difference, % of .text |")
    report.append("|---|---:|---:|---:|")
    for n in names:
        a, b = ours_by.get(n, 0), by_bloat.get(n, 0)
        diff = abs(a - b) * 100 / text
        worst = max(worst, diff)
        if a or b:
            report.append(f"| {n} | {fmt(a)} | {fmt(b)} | {diff:.2f} % |")
    report.append(f"\nGoal: every crate within 1 % of .text: **{'met' if worst <= 1.0 else 'not met'}** "
                  f"(largest difference {worst:.2f} %).\n")
    results["why_worst"] = worst


def section_large_toml(report, results):
    log("6. reading large TOML")
    base = WORK / "large-toml"
    rows = []
    for keys in [10_000, 80_000]:
        for order in ["in order", "reversed"]:
            project = base / f"{keys}-{order.replace(' ', '-')}"
            (project / "src").mkdir(parents=True, exist_ok=True)
            (project / "src" / "main.rs").write_text("fn main() {}\n")
            numbers = range(keys) if order == "in order" else reversed(range(keys))
            table = "".join(f"k{i:06} = {i}\n" for i in numbers)
            (project / "Cargo.toml").write_text(
                '[package]\nname = "big"\nversion = "0.1.0"\nedition = "2021"\n\n'
                f"[workspace]\n\n[package.metadata.big]\n{table}"
            )
            # the best of three: the least disturbed run
            seconds = min(
                run([str(CLI), "check", "--manifest-path", str(project / "Cargo.toml")],
                    cwd=project, check=False)[1]
                for _ in range(3)
            )
            rows.append((keys, order, seconds))
    by = {(k, o): t for k, o, t in rows}
    report.append("## 6. Reading large TOML\n")
    report.append("`cargo size-profile check` on a manifest with one table of N keys (best of three; "
                  "the time includes `cargo metadata` and `rustc --print cfg`).\n")
    report.append("| keys | in order | reversed | reversed / in order |")
    report.append("|---:|---:|---:|---:|")
    for keys in [10_000, 80_000]:
        a, b = by[(keys, "in order")], by[(keys, "reversed")]
        report.append(f"| {keys:,} | {a:.2f} s | {b:.2f} s | {b / a:.2f}x |")
    growth = by[(80_000, "reversed")] / by[(10_000, "reversed")]
    report.append(f"\n8x the keys (reversed) took {growth:.1f}x the time, fixed costs included: at most "
                  "linear (a quadratic reader takes about 64x).\n")
    results["toml_growth"] = growth


def only(section, heading, name):
    """One section alone, replaced in (or added to) docs/benchmarks.md; the others stay as
    measured."""
    WORK.mkdir(parents=True, exist_ok=True)
    log("building cargo-size-profile (release)")
    run(["cargo", "build", "--release", "-p", "cargo-size-profile"], cwd=ROOT)
    report = []
    section(report, {})
    rustc, _ = run(["rustc", "-V"])
    report.insert(1, f"Measured {datetime.date.today().isoformat()} by `python3 bench/run.py {name}` "
                     f"({os.cpu_count()} cores, {rustc.strip()}), apart from the other sections.\n")
    text_of_section = "\n".join(report).rstrip() + "\n"
    print(text_of_section, flush=True)
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text()
    start = text.find(heading)
    if start < 0:
        path.write_text(text.rstrip() + "\n\n" + text_of_section)
        return
    end = text.find("\n## ", start + 1)
    rest = "" if end < 0 else text[end + 1:]
    path.write_text(text[:start] + text_of_section + ("\n" + rest if rest else ""))


def main():
    alone = {
        "ladder-cost": (section_ladder_cost, "## 5. The ladder's own cost"),
        "why": (section_why, "## 7. `why` against cargo-bloat"),
    }
    if len(sys.argv) == 2 and sys.argv[1] in alone:
        section, heading = alone[sys.argv[1]]
        return only(section, heading, sys.argv[1])
    WORK.mkdir(parents=True, exist_ok=True)
    # every figure from this run: no build output or ladder cache of an earlier one (the
    # installed cargo-wizard in tools/ is kept)
    for old in WORK.iterdir():
        if old != TOOLS:
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    log("building cargo-size-profile (release)")
    run(["cargo", "build", "--release", "-p", "cargo-size-profile"], cwd=ROOT)
    if not WIZARD.exists():
        log("installing cargo-wizard")
        run(["cargo", "install", "cargo-wizard", "--locked", "--root", str(TOOLS)])
    rustc, _ = run(["rustc", "-V"])
    wizard_version, _ = run([str(WIZARD), "wizard", "--version"], check=False)
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), platform.processor())
    report = [
        "# Benchmarks\n",
        f"Measured {datetime.date.today().isoformat()} by `python3 bench/run.py` on {platform.system()} "
        f"{platform.machine()}, {os.cpu_count()} cores ({cpu}), {rustc.strip()}, "
        f"cargo-wizard {(wizard_version.split() or ['(version unknown)'])[-1]}. All figures come from this one run.\n",
    ]
    results = {}
    section_ladders(report)
    section_peers(report, results)
    section_cost(report, results)
    section_footprint(report, results)
    section_ladder_cost(report, results)
    section_large_toml(report, results)
    section_why(report, results)
    text = "\n".join(report).rstrip() + "\n"
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs" / "benchmarks.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
