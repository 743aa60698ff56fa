"""`cramp-assistant models list | download | check`, run through the real command-line entry point."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from fake_vosk import FakeVosk, make_model_tree
from local_http import LocalServer, local_server, zip_folder

from assistant.cli.main import main
from assistant.content import loader as content
from assistant.content.loader import Sentence
from assistant.models.progress import ProgressBar
from assistant.settings_file import ENV_VAR

NAME = "vosk-model-cli-0.1"


@pytest.fixture(autouse=True)
def no_user_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv(ENV_VAR, raising=False)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with local_server() as running:
        yield running


def test_download_installs_and_reports(
    server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = zip_folder(make_model_tree(tmp_path / "src" / NAME))
    url = server.serve(f"/{NAME}.zip", body)
    digest = hashlib.sha256(body).hexdigest()
    status = main(["models", "download", "--url", url, "--sha256", digest, "--dir", str(tmp_path / "m")])
    out, err = capsys.readouterr()
    assert status == 0
    assert f"installed {tmp_path / 'm' / NAME}" in out
    assert f"sha256 {digest} verified" in out
    assert err == ""
    assert (tmp_path / "m" / NAME / "am/final.mdl").is_file()

    assert main(["models", "download", "--url", url, "--dir", str(tmp_path / "m")]) == 0
    assert "already installed" in capsys.readouterr().out


def test_download_progress_bar_on_request(
    server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = zip_folder(make_model_tree(tmp_path / "src" / NAME))
    url = server.serve(f"/{NAME}.zip", body)
    args = ["models", "download", "--url", url, "--dir", str(tmp_path / "m"), "--progress"]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert f"\r{NAME}.zip [" in err and "100%" in err
    assert err.endswith("\n")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--url", "/missing.zip"], "download failed: HTTP 404 Not Found"),
        (["--url", "/ok.zip", "--sha256", "f" * 64], "checksum mismatch"),
        (["--url", "/ok.zip", "--sha256", "nothex"], "not a SHA-256 digest"),
        (["--url", "/ok.zip", "--timeout", "0"], "--timeout must be positive"),
    ],
)
def test_download_errors_are_one_line_with_status_2(
    server: LocalServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    server.serve("/ok.zip", zip_folder(make_model_tree(tmp_path / "src" / NAME)))
    extra = [server.url(arg) if arg.startswith("/") else arg for arg in extra]
    status = main(["models", "download", "--dir", str(tmp_path / "m"), *extra])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("cramp-assistant: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_list_shows_models_partial_downloads_and_the_auto_choice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_model_tree(tmp_path / "vosk-model-small-en-us-0.15")
    broken = make_model_tree(tmp_path / "vosk-model-broken")
    (broken / "am/final.mdl").unlink()
    (tmp_path / "vosk-model-x.zip.part").write_bytes(b"\0" * 2_500_000)
    assert main(["models", "list", "--models-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "vosk-model-small-en-us-0.15  ok" in out
    assert "vosk-model-broken  broken: missing am/final.mdl" in out
    assert "partial download vosk-model-x.zip.part (2.5 MB)" in out
    assert f"engine auto uses: vosk ({tmp_path / 'vosk-model-small-en-us-0.15'})" in out


def test_list_without_vosk_picks_pocketsphinx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "list", "--models-dir", str(tmp_path / "none")]) == 0
    out = capsys.readouterr().out
    assert "(none: run `cramp-assistant models download`)" in out
    assert "engine auto uses: pocketsphinx" in out


def test_check_reports_each_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_model_tree(tmp_path / "vosk-model-a")
    make_model_tree(tmp_path / "vosk-model-b", runtime_graph=False)
    assert main(["models", "check", "--models-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"ok: {tmp_path / 'vosk-model-a'} (accepts a grammar)" in out
    assert f"ok: {tmp_path / 'vosk-model-b'} (static graph: no grammar restriction)" in out


@pytest.mark.parametrize("setup", ["missing", "broken", "empty-dir"])
def test_check_of_a_bad_model_is_one_line_with_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setup: str
) -> None:
    path = tmp_path / "model"
    if setup == "broken":
        make_model_tree(path)
        (path / "graph/HCLr.fst").unlink()
    args = ["models", "check", str(path)]
    if setup == "empty-dir":
        args = ["models", "check", "--models-dir", str(tmp_path)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("cramp-assistant: ") and err.count("\n") == 1
    expected = {"missing": "does not exist", "broken": "missing graph/HCLG.fst", "empty-dir": "no Vosk model"}
    assert expected[setup] in err


def test_progress_bar_draws_share_sizes_and_speed() -> None:
    stream = io.StringIO()
    now = [0.0]
    bar = ProgressBar(stream, "m.zip", width=10, interval=0.5, clock=lambda: now[0])
    bar.start(1_000_000, 4_000_000)
    now[0] = 0.2
    bar.update(2_000_000)  # too soon after the last frame: not drawn
    now[0] = 0.6
    bar.update(3_000_000)
    now[0] = 1.0
    bar.update(4_000_000)
    bar.finish()
    frames = stream.getvalue().split("\r")[1:]
    assert frames[0] == "m.zip [##--------]  25%  1.0/4.0 MB  0.0 MB/s"
    assert frames[1] == "m.zip [#######---]  75%  3.0/4.0 MB  3.3 MB/s"
    assert frames[-1] == "m.zip [##########] 100%  4.0/4.0 MB  3.0 MB/s\n"
    assert len(frames) == 3


def test_progress_bar_without_a_total_shows_bytes() -> None:
    stream = io.StringIO()
    bar = ProgressBar(stream, "m.zip", clock=lambda: 1.0)
    bar.start(0, None)
    bar.update(1_500_000)
    assert bar.line() == "m.zip  1.5 MB  0.0 MB/s"


def test_the_models_folder_comes_from_the_settings_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_model_tree(tmp_path / "elsewhere" / "vosk-model-x")
    config = tmp_path / "config.toml"
    config.write_text('[recognizer]\nmodels_dir = "elsewhere"\n', encoding="utf-8")
    assert main(["models", "list", "--config", str(config)]) == 0
    assert f"engine auto uses: vosk ({tmp_path / 'elsewhere' / 'vosk-model-x'})" in capsys.readouterr().out
    assert main(["models", "check", "--config", str(config)]) == 0
    assert "ok: " in capsys.readouterr().out


def test_an_explicit_model_wins_in_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_model_tree(tmp_path / "models" / "vosk-model-small-en-us-0.15")
    mine = make_model_tree(tmp_path / "mine")
    assert main(["models", "list", "--models-dir", str(tmp_path / "models"), "--model", str(mine)]) == 0
    assert f"engine auto uses: vosk ({mine})" in capsys.readouterr().out


def test_check_words_reports_template_words_the_model_lacks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sentences = (Sentence("how do i stretch my calf", "stretch", {}), Sentence("stop the cramp", "stop", {}))
    monkeypatch.setattr(content, "load_content", lambda: SimpleNamespace(sentences=sentences))
    FakeVosk(vocabulary=["how", "do", "i", "stretch", "my", "stop", "the"]).install(monkeypatch)
    model = make_model_tree(tmp_path / "vosk-model-a")
    assert main(["models", "check", str(model), "--words"]) == 0
    out = capsys.readouterr().out
    assert "2 grammar phrases from 2 template sentences; 7 words known, 2 unknown: calf, cramp" in out
