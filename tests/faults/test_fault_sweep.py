# SPDX-License-Identifier: LGPL-2.1-or-later
"""gdci convert with one system call failing: for each function the shim
knows and a few errno values, the Nth call fails, N swept over every call
a clean run makes (strided where there are many), for a new file, an
existing file (made by h5py, also with libver='latest') and --overwrite of
a dataset in one, with and without gzip. And the same conversions under
file-size limits (ulimit -f).

Each run must end with status 0 and the dataset written, everything else
as it was; or with status 1, one line on standard error, and the target as
it was: no new file, an existing one byte for byte what it was (its size
too), no temporary file left beside it. Never a signal, never status 2."""

import math

import pytest

import faults_helpers as fh

# (function, errno, whether the call and all later ones fail, most cases)
FAULTS = [
    ("pwrite", "ENOSPC", True, 48),     # a disk that fills up, and stays full
    ("pwrite", "EIO", False, 48),       # one bad write
    ("pwrite", "EDQUOT", True, 10),
    ("pwrite", "EFBIG", True, 10),
    ("fsync", "EIO", False, 8),
    ("fsync", "ENOSPC", False, 8),
    ("ftruncate", "EIO", False, 8),
    ("ftruncate", "EFBIG", False, 8),
    ("fallocate", "ENOSPC", False, 8),
    ("fallocate", "EIO", False, 8),
    ("rename", "EIO", False, 8),
    ("rename", "EXDEV", False, 8),
    ("close", "EIO", False, 16),
    ("close", "ENOSPC", False, 16),
]

COMPRESSION = {"none": [], "gzip": ["--compression", "gzip", "--shuffle"]}

# What is known to fail, and why: (case, function, errno) -> reason, "*"
# for any; marked strict xfail. Empty: nothing is.
KNOWN = {}


def known_failure(case, function, errno_name):
    for (k_case, k_function, k_errno), reason in KNOWN.items():
        if k_case in (case, "*") and k_function == function and k_errno in (errno_name, "*"):
            return reason
    return None


def sweep_points(count, cap, rng):
    """Which N of 1..count to try: all, or a stride through them that
    starts at a seeded offset, plus the first and the last three (where
    the final flush and close are)"""
    if count <= cap:
        return list(range(1, count + 1))
    stride = math.ceil(count / cap)
    points = set(range(1 + rng.randrange(stride), count + 1, stride))
    points.update({1, count - 2, count - 1, count})
    return sorted(p for p in points if p >= 1)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """The recording, the pristine existing files, and the counts of calls
    of each case's clean run, shared by the module"""
    root = tmp_path_factory.mktemp("faults")
    recording = root / "rec.bin"
    data = fh.write_recording(recording)
    return {"root": root, "recording": recording, "data": data, "counts": {}, "sizes": {}}


def target_for(workspace, case, name):
    return fh.Target(case, workspace["root"], workspace["root"] / name)


def clean_run(gdci, workspace, case, compression):
    """The counts of calls, and the size of the file written, of a clean
    run of a case"""
    key = (case, compression)
    if key not in workspace["counts"]:
        target = target_for(workspace, case, f"count-{case}-{compression}")
        target.reset()
        args = target.convert_args(workspace["recording"], COMPRESSION[compression])
        workspace["counts"][key] = gdci.count_calls(args, workspace["root"])
        target.check_written(workspace["data"], f"clean run of {case}, {compression}")
        workspace["sizes"][key] = target.path.stat().st_size
    return workspace["counts"][key], workspace["sizes"][key]


def fault_params():
    for case in fh.CASES:
        for function, errno_name, sticky, cap in FAULTS:
            for compression in COMPRESSION:
                reason = known_failure(case, function, errno_name)
                marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
                yield pytest.param(case, function, errno_name, sticky, cap, compression,
                                   marks=marks, id=f"{case}-{function}-{errno_name}-{compression}")


@pytest.mark.parametrize("case, function, errno_name, sticky, cap, compression", fault_params())
def test_fault_sweep(gdci, workspace, case, function, errno_name, sticky, cap, compression):
    counts, _ = clean_run(gdci, workspace, case, compression)
    count = counts[function]
    if count == 0:
        pytest.skip(f"a clean run of {case} makes no {function} call on a regular file")
    rng = fh.rng_for("sweep", case, function, errno_name, compression)
    if fh.SANITIZED:
        cap = max(4, cap // 4)
    target = target_for(workspace, case, "run")
    failures = []
    for n in sweep_points(count, cap, rng):
        fault = f"{function}:{errno_name}:{n}{'+' if sticky else ''}"
        target.reset()
        args = target.convert_args(workspace["recording"], COMPRESSION[compression])
        label = f"{case}: {fh.describe(gdci, args, fault)}"
        result, injected = gdci.run_with_fault(args, fault, workspace["root"])
        try:
            target.check_outcome(result, workspace["data"], label)
            assert injected, f"{label}: the run made no call fail ({injected})"
        except AssertionError as error:
            failures.append(str(error).splitlines()[0])
    assert not failures, f"{len(failures)} of {count} calls:\n" + "\n".join(failures[:5])


def fsize_limits(case, pristine_size, output_size):
    """The file-size limits tried: a few below what the run writes"""
    if pristine_size is None:
        return sorted({4096, 65536, output_size // 2, output_size - 1})
    return sorted({pristine_size // 2, pristine_size, pristine_size + 4096,
                   pristine_size + (output_size - pristine_size) // 2, output_size - 1})


KNOWN_FSIZE = {}


def fsize_params():
    for case in fh.CASES:
        for compression in COMPRESSION:
            reason = KNOWN_FSIZE.get(case)
            marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
            yield pytest.param(case, compression, marks=marks, id=f"{case}-{compression}")


@pytest.mark.parametrize("case, compression", fsize_params())
def test_file_size_limit(gdci, workspace, case, compression):
    _, output_size = clean_run(gdci, workspace, case, compression)
    target = target_for(workspace, case, "fsize")
    pristine_size = len(target.pristine_bytes) if target.pristine is not None else None
    failures = []
    for limit in fsize_limits(case, pristine_size, output_size):
        target.reset()
        args = target.convert_args(workspace["recording"], COMPRESSION[compression])
        label = f"{case}: {fh.describe(gdci, args, fsize=limit)}"
        result = gdci.run(args, fsize=limit)
        try:
            written = target.check_outcome(result, workspace["data"], label)
            assert not written or limit >= output_size, f"{label}: written past the limit"
        except AssertionError as error:
            failures.append(str(error).splitlines()[0])
    assert not failures, "\n".join(failures)
