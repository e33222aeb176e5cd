"""SimpleRNN.save / SimpleRNN.load: bit-identical round trips, atomic writes, clear errors for bad files."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np
import pytest

import rnn_lib
from rnn_lib import SimpleRNN

D, H, O = 3, 4, 2


def trained_model(dtype=np.float64, seed=0):
    """A model whose parameters are no longer their initial values (biases non-zero)."""
    model = SimpleRNN(D, H, O, rng=np.random.default_rng(seed), dtype=dtype)
    rng = np.random.default_rng(seed + 100)
    x, y = rng.standard_normal((6, D)), rng.standard_normal((6, O))
    for _ in range(5):
        model.train_step(x, y, 0.1)
    return model


def same_bits(a: SimpleRNN, b: SimpleRNN) -> bool:
    return all(
        a.params[k].dtype == b.params[k].dtype and a.params[k].tobytes() == b.params[k].tobytes()
        for k in rnn_lib.PARAM_NAMES
    )


def file_arrays(model):
    """What save writes, as a dict: a starting point for hand-made broken files."""
    return {
        "format": np.array(SimpleRNN.FILE.marker),
        "format_version": np.array(SimpleRNN.FILE.version),
        "sizes": np.array([D, H, O]),
        **{k: v.copy() for k, v in model.params.items()},
    }


# -- Round trips -------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_round_trip_is_bit_identical(tmp_path, dtype):
    model = trained_model(dtype)
    loaded = SimpleRNN.load(model.save(tmp_path / "model.npz"))
    assert same_bits(loaded, model)
    assert (loaded.input_size, loaded.hidden_size, loaded.output_size) == (D, H, O)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_loaded_model_gives_the_same_forward_and_training_step(tmp_path, dtype):
    model = trained_model(dtype)
    model.save(tmp_path / "model.npz")
    loaded = SimpleRNN.load(tmp_path / "model.npz")
    x, y = np.random.default_rng(5).standard_normal((7, D)), np.random.default_rng(6).standard_normal((7, O))
    assert np.array_equal(loaded.forward(x), model.forward(x))
    assert loaded.backward(x, y, 0.1) == model.backward(x, y, 0.1)
    assert same_bits(loaded, model)


def test_loaded_parameters_are_independent_writeable_arrays(tmp_path):
    model = trained_model()
    loaded = SimpleRNN.load(model.save(tmp_path / "model.npz"))
    assert all(p.flags.writeable and p.flags.c_contiguous for p in loaded.params.values())
    loaded.W_hh[...] = 0.0
    assert not np.array_equal(model.W_hh, loaded.W_hh)


def test_save_and_load_accept_str_and_path(tmp_path):
    model = trained_model()
    written = model.save(str(tmp_path / "a.npz"))
    assert written == Path(tmp_path / "a.npz")
    assert same_bits(SimpleRNN.load(str(written)), model)


def test_save_writes_exactly_the_path_given_without_appending_npz(tmp_path):
    # np.savez would write "weights.npz"; save and load must name the same file.
    model = trained_model()
    model.save(tmp_path / "weights")
    assert sorted(os.listdir(tmp_path)) == ["weights"]
    assert same_bits(SimpleRNN.load(tmp_path / "weights"), model)


def test_saved_file_needs_no_pickle(tmp_path):
    path = trained_model().save(tmp_path / "model.npz")
    with np.load(path, allow_pickle=False) as data:
        assert all(data[k].dtype != object for k in data.files)


def test_load_does_not_draw_from_the_global_rng(tmp_path):
    path = trained_model().save(tmp_path / "model.npz")
    state = np.random.get_state()[1].copy()
    SimpleRNN.load(path)
    assert np.array_equal(np.random.get_state()[1], state)


def test_saving_over_an_existing_file_replaces_it(tmp_path):
    path = tmp_path / "model.npz"
    trained_model(seed=1).save(path)
    second = trained_model(seed=2)
    second.save(path)
    assert same_bits(SimpleRNN.load(path), second)
    assert os.listdir(tmp_path) == ["model.npz"]


# -- Atomic writes: an interrupted save leaves the old file intact ------------------------------------


def test_save_interrupted_while_writing_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    old = trained_model(seed=1)
    old.save(path)

    def savez_then_crash(file, **arrays):
        file.write(b"PK\x03\x04 half an archive")
        raise KeyboardInterrupt  # the learner pressed Ctrl-C mid-write

    monkeypatch.setattr(np, "savez", savez_then_crash)
    with pytest.raises(KeyboardInterrupt):
        trained_model(seed=2).save(path)
    monkeypatch.undo()
    assert same_bits(SimpleRNN.load(path), old)
    assert os.listdir(tmp_path) == ["model.npz"]


def test_save_interrupted_before_the_rename_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    old = trained_model(seed=1)
    old.save(path)

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        trained_model(seed=2).save(path)
    monkeypatch.undo()
    assert same_bits(SimpleRNN.load(path), old)
    assert os.listdir(tmp_path) == ["model.npz"]


def test_save_into_a_missing_folder_names_the_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        trained_model().save(tmp_path / "no_such_folder" / "model.npz")


def test_save_refuses_a_path_that_is_not_a_path(tmp_path):
    with pytest.raises(TypeError, match=r"path must be a str or pathlib\.Path, got int"):
        trained_model().save(3)


def test_save_refuses_a_model_with_broken_parameters(tmp_path):
    model = trained_model()
    model.W_hh = np.zeros((2, 2))
    with pytest.raises(ValueError, match=r"SimpleRNN\.W_hh"):
        model.save(tmp_path / "model.npz")
    assert not os.listdir(tmp_path)


# -- Bad files: one clear ValueError naming the path ----------------------------------------------------


def test_load_of_a_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="no_such.npz"):
        SimpleRNN.load(tmp_path / "no_such.npz")


@pytest.mark.parametrize("keep", [0, 10, 0.5, -10])
def test_truncated_file_raises_value_error_naming_the_path(tmp_path, keep):
    path = trained_model().save(tmp_path / "model.npz")
    data = path.read_bytes()
    cut = int(len(data) * keep) if isinstance(keep, float) else keep % len(data)
    path.write_bytes(data[:cut])
    with pytest.raises(ValueError, match="not a readable SimpleRNN file") as info:
        SimpleRNN.load(path)
    assert str(path) in str(info.value)


def test_corrupted_bytes_raise_value_error(tmp_path):
    path = trained_model().save(tmp_path / "model.npz")
    data = bytearray(path.read_bytes())
    # Flip bytes inside the stored W_hh data: the archive still opens, its CRC check fails.
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("W_hh.npy")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 140
    data[start : start + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="not a readable SimpleRNN file"):
        SimpleRNN.load(path)


def test_a_text_file_raises_value_error(tmp_path):
    path = tmp_path / "model.npz"
    path.write_text("W_xh = [[1, 2, 3]]\n")
    with pytest.raises(ValueError, match="not a readable SimpleRNN file"):
        SimpleRNN.load(path)


def test_a_single_npy_array_raises_value_error(tmp_path):
    path = tmp_path / "model.npy"
    np.save(path, np.zeros(3))
    with pytest.raises(ValueError, match="single .npy array"):
        SimpleRNN.load(path)


def test_a_foreign_npz_raises_value_error_listing_its_arrays(tmp_path):
    path = tmp_path / "other.npz"
    np.savez(path, weights=np.zeros((3, 3)), bias=np.zeros(3))
    with pytest.raises(ValueError, match=r"not written by SimpleRNN\.save.*bias, weights"):
        SimpleRNN.load(path)


def test_a_pickled_object_array_is_refused_without_unpickling(tmp_path):
    path = tmp_path / "model.npz"
    arrays = file_arrays(trained_model())
    arrays["W_hh"] = np.array([object()], dtype=object)
    np.savez(path, **arrays)  # numpy pickles object arrays
    with pytest.raises(ValueError, match=r"'W_hh' holds pickled Python objects"):
        SimpleRNN.load(path)


def broken(change):
    """A file_arrays editor for the table below."""
    return change


BAD_FILES = [
    pytest.param(lambda a: a.pop("b_y"), "missing b_y", id="missing-param"),
    pytest.param(lambda a: a.pop("sizes"), "missing sizes", id="missing-sizes"),
    pytest.param(lambda a: a.update(extra=np.zeros(1)), "unexpected extra", id="extra-array"),
    pytest.param(lambda a: a.update(format=np.array("something.else")), "format marker", id="wrong-marker"),
    pytest.param(lambda a: a.update(format=np.array([1.0])), "format marker", id="marker-not-text"),
    pytest.param(lambda a: a.update(format_version=np.array(2)), "version 2.*newer", id="newer-version"),
    pytest.param(lambda a: a.update(format_version=np.array(1.5)), "one integer", id="version-float"),
    pytest.param(lambda a: a.update(sizes=np.array([D, H])), "3 positive integers", id="sizes-short"),
    pytest.param(lambda a: a.update(sizes=np.array([D, 0, O])), "3 positive integers", id="sizes-zero"),
    pytest.param(lambda a: a.update(sizes=np.array([D, H, 3])), r"'W_hy' must have shape \(3, 4\)", id="sizes-lie"),
    pytest.param(lambda a: a.update(W_hh=np.zeros((H, H + 1))), r"'W_hh'.*\(4, 4\).*\(4, 5\)", id="wrong-shape"),
    pytest.param(lambda a: a.update(b_h=np.zeros(H)), r"'b_h'.*\(4, 1\).*\(4,\)", id="bias-1d"),
    pytest.param(lambda a: a.update(W_xh=np.ones((H, D), dtype=int)), "'W_xh' must be float32 or float64", id="int"),
    pytest.param(lambda a: a.update(W_xh=np.ones((H, D), dtype=complex)), "'W_xh' must be float", id="complex"),
    pytest.param(lambda a: a.update(W_hy=a["W_hy"].astype(np.float32)), "share one dtype", id="mixed-dtypes"),
    pytest.param(lambda a: a["W_hh"].__setitem__((0, 0), np.nan), "'W_hh' holds NaN or inf", id="nan"),
]


@pytest.mark.parametrize(("change", "message"), BAD_FILES)
def test_a_file_with_wrong_contents_raises_value_error_naming_the_path(tmp_path, change, message):
    path = tmp_path / "model.npz"
    arrays = file_arrays(trained_model())
    change(arrays)
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match=message) as info:
        SimpleRNN.load(path)
    assert str(path) in str(info.value)


def test_the_bad_file_table_starts_from_a_good_file(tmp_path):
    # Guards the table above: unchanged, file_arrays makes a file that loads.
    path = tmp_path / "model.npz"
    model = trained_model()
    np.savez(path, **file_arrays(model))
    assert same_bits(SimpleRNN.load(path), model)


def test_big_endian_files_load_as_native_arrays_with_the_same_values(tmp_path):
    path = tmp_path / "model.npz"
    model = trained_model()
    arrays = file_arrays(model)
    for k in rnn_lib.PARAM_NAMES:
        arrays[k] = arrays[k].astype(">f8")
    np.savez(path, **arrays)
    loaded = SimpleRNN.load(path)
    assert all(p.dtype == np.float64 and p.dtype.isnative for p in loaded.params.values())
    assert same_bits(loaded, model)


# -- Hostile and damaged files: refused before anything is read that was not asked for --------------------


def npy_bytes(arr, shape_in_header=None):
    """The .npy encoding of ``arr``; ``shape_in_header`` makes the header lie about the shape."""
    import io

    buf = io.BytesIO()
    np.save(buf, arr)
    data = buf.getvalue()
    if shape_in_header is None:
        return data
    header = np.lib.format.header_data_from_array_1_0(arr)
    header["shape"] = shape_in_header
    out = io.BytesIO()
    np.lib.format.write_array_header_1_0(out, header)
    return out.getvalue() + arr.tobytes()


def write_members(path, members):
    """A zip file with the given (name, bytes) members, in order, duplicates allowed."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns about duplicate names: that is the test
        with zipfile.ZipFile(path, "w") as z:
            for name, data in members:
                z.writestr(name, data)


def good_members(model):
    return [(f"{k}.npy", npy_bytes(v)) for k, v in file_arrays(model).items()]


def test_an_extra_member_is_refused_without_being_read(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    write_members(path, good_members(trained_model()) + [("junk.npy", npy_bytes(np.zeros(1000)))])
    opened = []
    original_open = zipfile.ZipFile.open
    monkeypatch.setattr(
        zipfile.ZipFile,
        "open",
        lambda self, name, *a, **k: (
            opened.append(str(getattr(name, "filename", name))) or original_open(self, name, *a, **k)
        ),
    )
    with pytest.raises(ValueError, match="unexpected junk"):
        SimpleRNN.load(path)
    assert "junk.npy" not in opened


@pytest.mark.parametrize("member", ["W_hh", "sizes", "format"])
def test_a_header_declaring_a_huge_shape_is_refused_before_its_data_is_read(tmp_path, member):
    path = tmp_path / "model.npz"
    members = good_members(trained_model())
    arrays = file_arrays(trained_model())
    members = [
        (name, npy_bytes(arrays[member], shape_in_header=(10**11,)) if name == f"{member}.npy" else data)
        for name, data in members
    ]
    write_members(path, members)
    with pytest.raises(ValueError, match=str(path)):
        SimpleRNN.load(path)


def test_duplicate_member_names_are_refused(tmp_path):
    path = tmp_path / "model.npz"
    model = trained_model()
    members = good_members(model)
    write_members(path, members + [("W_hh.npy", npy_bytes(np.zeros_like(model.W_hh)))])
    with pytest.raises(ValueError, match="more than one array named W_hh"):
        SimpleRNN.load(path)


def test_a_bit_flip_anywhere_gives_a_value_error_or_the_same_model(tmp_path):
    path = tmp_path / "model.npz"
    model = SimpleRNN(1, 2, 1, rng=np.random.default_rng(0))
    original = model.save(path).read_bytes()
    outcomes = {"same": 0, "ValueError": 0}
    for i in range(0, len(original), 3):  # every third byte (all of them take seconds), one bit each
        damaged = bytearray(original)
        damaged[i] ^= 1 << (i % 8)
        path.write_bytes(bytes(damaged))
        try:
            loaded = SimpleRNN.load(path)
        except ValueError:
            outcomes["ValueError"] += 1
        else:
            assert same_bits(loaded, model), f"a flip at byte {i} loaded different numbers"
            outcomes["same"] += 1
    assert outcomes["ValueError"] > len(original) // 6  # most of the file matters


def test_a_pipe_is_refused_without_blocking(tmp_path):
    import threading

    path = tmp_path / "model.npz"
    os.mkfifo(path)
    errors = []
    worker = threading.Thread(
        target=lambda: errors.append(pytest.raises(ValueError, SimpleRNN.load, path)), daemon=True
    )
    worker.start()
    worker.join(timeout=5)
    assert not worker.is_alive(), "load blocked on a FIFO"
    assert "not a regular file" in str(errors[0].value)


def test_a_name_as_long_as_the_file_system_allows_can_be_saved(tmp_path):
    path = tmp_path / ("m" * 246 + ".npz")  # 250 characters
    model = trained_model()
    assert same_bits(SimpleRNN.load(model.save(path)), model)


def test_saving_over_a_private_file_keeps_it_private(tmp_path):
    path = tmp_path / "model.npz"
    model = trained_model()
    model.save(path)
    os.chmod(path, 0o600)
    model.save(path)
    assert oct(os.stat(path).st_mode & 0o777) == oct(0o600)


@pytest.mark.parametrize(
    "bad, error, words",
    [("", ValueError, "empty"), ("a\0b.npz", ValueError, "NUL"), (".", ValueError, "folder")],
    ids=["empty", "nul", "folder"],
)
def test_unusable_paths_get_clear_errors(tmp_path, bad, error, words, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(error, match=words):
        trained_model().save(bad)
    with pytest.raises((error, FileNotFoundError), match=words):
        SimpleRNN.load(bad)
