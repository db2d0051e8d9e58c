"""A checkpoint is verified before it is trusted: checksums, size limits, finite numbers, counts.

Each hostile or damaged file must give a `CheckpointError` naming it, before anything is
built from it; the shipped files (written before these checks existed) must still load.
"""

from __future__ import annotations

import math
import struct
import time
import zipfile

import pytest
import torch
from test_training_checkpoints import rewrite, same_weights, trained

from ntm_edu.model import NTM, LSTMBaseline
from ntm_edu.training import PRETRAINED_RECIPES, CheckpointError, load_checkpoint
from ntm_edu.training.pretrained import PRETRAINED_DIR


@pytest.fixture(scope="module")
def good_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("verify") / "good.pt"
    trained(path)  # a small NTM after 6 steps, with Adam state and probe snapshots
    return path


def record_data(path) -> list[tuple[str, int, int]]:
    """(name, offset of the data, size) of every record in the zip archive."""
    raw = path.read_bytes()
    records = []
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            name_len, extra_len = struct.unpack("<HH", raw[info.header_offset + 26 :][:4])
            start = info.header_offset + 30 + name_len + extra_len
            records.append((info.filename, start, info.file_size))
    return records


def flipped(source, target, positions):
    data = bytearray(source.read_bytes())
    for i in positions:
        data[i] ^= 0xFF
    target.write_bytes(bytes(data))
    return target


class TestChecksums:
    def test_a_flipped_byte_in_any_record_is_refused(self, tmp_path, good_file):
        records = record_data(good_file)
        assert len(records) > 20  # the pickle, weights, optimizer moments, generator state...
        for name, start, size in records:
            path = flipped(good_file, tmp_path / "flip.pt", [start + size // 2])
            with pytest.raises(CheckpointError, match=r"flip\.pt.*corrupt.*CRC") as info:
                load_checkpoint(path)
            assert name in str(info.value)

    def test_32_flipped_bytes_inside_a_weight(self, tmp_path, good_file):
        """The issue's case: it loaded, with weight_hh entries changed by up to 3e28."""
        name, start, size = max(record_data(good_file)[1:], key=lambda r: r[2])
        assert size >= 64
        path = flipped(good_file, tmp_path / "w.pt", range(start + 16, start + 48))
        with pytest.raises(CheckpointError, match=r"w\.pt.*corrupt"):
            load_checkpoint(path)

    def test_a_flip_anywhere_is_refused_or_changes_nothing(self, tmp_path, good_file):
        """Headers and padding are not all covered by a checksum; a flip there must either be
        caught or leave every number that is read unchanged."""
        original = load_checkpoint(good_file)
        size, caught, harmless = good_file.stat().st_size, 0, 0
        # Every 149th byte, and all of the archive's end records (a flip there once raised a
        # bare BadZipFile). A full sweep of all 44,369 bytes, run once, found only those and
        # the "folder" bit of a record, which made torch read uninitialised memory.
        for position in [*range(0, size, 149), *range(size - 98, size)]:
            path = flipped(good_file, tmp_path / "any.pt", [position])
            try:
                loaded = load_checkpoint(path)
            except CheckpointError as error:
                assert "any.pt" in str(error)
                caught += 1
                continue
            assert same_weights(loaded.model, original.model), position
            assert loaded.history.records == original.history.records, position
            assert loaded.step == original.step and loaded.task.config == original.task.config
            assert torch.equal(loaded.history.generator_state, original.history.generator_state)
            for index, moments in original.optimizer_state["state"].items():
                for key, value in moments.items():
                    assert torch.equal(loaded.optimizer_state["state"][index][key], value)
            harmless += 1
        # Most bytes are data under a CRC; the rest is mostly zip padding between records.
        assert caught > 3 * harmless

    def test_a_record_marked_as_a_folder(self, tmp_path, good_file):
        """miniz (torch's zip reader) returns uninitialised memory for a "folder" record's
        bytes, and zipfile's CRC check ignores the attribute."""
        raw = bytearray(good_file.read_bytes())
        with zipfile.ZipFile(good_file) as archive:
            target = archive.infolist()[len(archive.infolist()) // 2].filename.encode()
        entry = raw.index(b"PK\x01\x02")  # the first central directory entry
        while raw[entry + 46 : entry + 46 + len(target)] != target:
            entry = raw.index(b"PK\x01\x02", entry + 4)
        raw[entry + 38] |= 0x10  # the MS-DOS "directory" bit of its external attributes
        path = tmp_path / "folder.pt"
        path.write_bytes(bytes(raw))
        with pytest.raises(CheckpointError, match=r"folder\.pt.*marked as a folder"):
            load_checkpoint(path)

    def test_the_shipped_files_pass(self):
        shipped = sorted(PRETRAINED_DIR.glob("*.pt"))
        assert {p.stem for p in shipped} == set(PRETRAINED_RECIPES)  # one file per recipe
        for path in shipped:
            with zipfile.ZipFile(path) as archive:
                assert archive.testzip() is None, path
            assert load_checkpoint(path).step > 0


class TestNonFinite:
    @pytest.mark.parametrize("value", [float("nan"), float("inf")], ids=str)
    def test_weights(self, tmp_path, good_file, value):
        def poison(payload):
            payload["state_dict"]["output.weight"][0, 0] = value

        path = rewrite(good_file, tmp_path / "nan.pt", poison)
        with pytest.raises(CheckpointError, match=r"nan\.pt.*output\.weight.*(NaN|infinite)"):
            load_checkpoint(path)

    def test_optimizer_state(self, tmp_path, good_file):
        def poison(payload):
            payload["optimizer"]["state"][0]["exp_avg_sq"].fill_(float("nan"))

        path = rewrite(good_file, tmp_path / "adam.pt", poison)
        with pytest.raises(CheckpointError, match=r"adam\.pt.*optimizer state.*NaN"):
            load_checkpoint(path)

    def test_optimizer_state_of_the_wrong_shape(self, tmp_path, good_file):
        def reshape(payload):
            payload["optimizer"]["state"][0]["exp_avg"] = torch.zeros(3)

        path = rewrite(good_file, tmp_path / "shape.pt", reshape)
        with pytest.raises(CheckpointError, match=r"shape\.pt.*exp_avg.*shape"):
            load_checkpoint(path)

    def test_evaluate_refuses_nan_weights(self, tmp_path, good_file, capsys):
        from ntm_edu.__main__ import main

        def poison(payload):
            payload["state_dict"]["output.bias"].fill_(float("nan"))

        path = rewrite(good_file, tmp_path / "nan.pt", poison)
        assert main(["evaluate", str(path), "--sequences", "2"]) == 1
        err = capsys.readouterr().err
        assert "nan.pt" in err and "NaN" in err and len(err.strip().splitlines()) == 1


class MetaOnly(NTM):
    """An NTM that records on which device each construction happened."""

    devices: list[str] = []

    def __init__(self, *args, **kwargs):
        MetaOnly.devices.append(torch.empty(0).device.type)
        super().__init__(*args, **kwargs)


HOSTILE_MODEL_CONFIGS = [
    ({"memory_locations": 10**9}, "memory_locations.*over the limit"),
    ({"memory_locations": 1e9}, "memory_locations.*over the limit"),
    ({"memory_locations": float("inf")}, "memory_locations.*not a finite number"),
    ({"memory_locations": float("nan")}, "memory_locations.*not a finite number"),
    ({"memory_locations": -3}, "memory_locations must be"),
    ({"memory_locations": "many"}, "memory_locations must be"),
    ({"memory_locations": [128]}, "memory_locations.*not a plain value"),
    ({"controller_size": 9_000, "memory_width": 9_000}, "numbers, over the limit"),
    ({"read_heads": 10**6}, "read_heads.*over the limit"),
]


class TestHostileConfigs:
    @pytest.mark.parametrize(("change", "message"), HOSTILE_MODEL_CONFIGS)
    def test_model_config_fails_before_anything_is_allocated(
        self, tmp_path, good_file, change, message
    ):
        def hostile(payload):
            payload["model_config"].update(change)

        path = rewrite(good_file, tmp_path / "big.pt", hostile)
        MetaOnly.devices = []
        start = time.perf_counter()
        with pytest.raises(CheckpointError, match=rf"big\.pt.*{message}"):
            load_checkpoint(path, model_classes={"NTM": MetaOnly})
        assert time.perf_counter() - start < 5
        assert set(MetaOnly.devices) <= {"meta"}  # never built for real

    def test_lstm_with_a_billion_layers(self, tmp_path):
        from ntm_edu.tasks import make_task
        from ntm_edu.training import save_checkpoint

        task = make_task("copy", width=3, max_length=4)
        model = LSTMBaseline(task.input_size, task.output_size, hidden_size=4, layers=1)
        path = save_checkpoint(tmp_path / "deep.pt", model, task)
        path = rewrite(path, path, lambda p: p["model_config"].update(layers=10**9))
        with pytest.raises(CheckpointError, match=r"deep\.pt.*layers.*over the limit"):
            load_checkpoint(path)

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"max_length": float("inf")}, "max_length.*not a finite number"),
            ({"max_length": 10**7}, "max_length.*over the limit"),
            ({"width": -1}, "width must be"),
        ],
    )
    def test_task_config(self, tmp_path, good_file, change, message):
        path = rewrite(good_file, tmp_path / "task.pt", lambda p: p["task_config"].update(change))
        with pytest.raises(CheckpointError, match=rf"task\.pt.*{message}"):
            load_checkpoint(path)

    def test_associative_recall_of_huge_items(self, tmp_path):
        """2 ** (width * item_length) would be a gigabyte-long integer."""
        from ntm_edu.tasks import make_task
        from ntm_edu.training import save_checkpoint

        task = make_task("associative_recall")
        model = LSTMBaseline(task.input_size, task.output_size, hidden_size=4, layers=1)
        path = save_checkpoint(tmp_path / "items.pt", model, task)
        path = rewrite(
            path, path, lambda p: p["task_config"].update(width=10**6, item_length=10**6)
        )
        with pytest.raises(CheckpointError, match=r"items\.pt.*width.*over the limit"):
            load_checkpoint(path)

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"batch_size": 10**9}, "batch_size"),
            ({"lr": float("nan")}, "lr"),
            ({"optimizer": "sgd"}, "optimizer"),
            ({"probe_size": 10**6}, "probe_size"),
        ],
    )
    def test_training_settings(self, tmp_path, good_file, change, message):
        def hostile(payload):
            payload["history"]["train_config"].update(change)

        path = rewrite(good_file, tmp_path / "settings.pt", hostile)
        with pytest.raises(CheckpointError, match=rf"settings\.pt.*training settings.*{message}"):
            load_checkpoint(path)


class TestHistoryCounts:
    @pytest.mark.parametrize("step", [-5, 2.5, 6.0, True, "6", None])
    def test_bad_step(self, tmp_path, good_file, step):
        path = rewrite(good_file, tmp_path / "step.pt", lambda p: p["history"].update(step=step))
        with pytest.raises(CheckpointError, match=r"step\.pt.*history step must be an integer"):
            load_checkpoint(path)

    @pytest.mark.parametrize("value", [-1.0, float("nan"), float("inf")], ids=str)
    def test_bad_seconds(self, tmp_path, good_file, value):
        path = rewrite(good_file, tmp_path / "s.pt", lambda p: p["history"].update(seconds=value))
        with pytest.raises(CheckpointError, match=r"s\.pt.*seconds"):
            load_checkpoint(path)

    @pytest.mark.parametrize(
        "state",
        [
            torch.zeros(10, dtype=torch.uint8),
            torch.zeros(5056, dtype=torch.float32),
            torch.zeros(5056, dtype=torch.uint8),
        ],
        ids=["short", "float", "zeros"],
    )
    def test_bad_generator_state(self, tmp_path, good_file, state):
        """It used to load, then fail with a traceback on --resume."""

        def corrupt(payload):
            payload["history"]["generator_state"] = state

        path = rewrite(good_file, tmp_path / "gen.pt", corrupt)
        with pytest.raises(CheckpointError, match=r"gen\.pt.*generator_state"):
            load_checkpoint(path)

    def test_a_good_file_still_resumes_its_stream(self, good_file):
        history = load_checkpoint(good_file).history
        generator = torch.Generator()
        generator.set_state(history.generator_state)
        assert not math.isnan(float(torch.rand(1, generator=generator)))
