"""`faithfulness-report s3://bucket/prefix`: the main job's logs in an S3-compatible store
(moto's server on 127.0.0.1, started here) give the report the local folder gives, read in
parallel with progress on the error stream; a store that can't be reached, missing
credentials or a URL whose filesystem is not installed get one line, never a traceback."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer
from s3fs import S3FileSystem

from cot_faithfulness.report import logs
from cot_faithfulness.report.cli import main

BUCKET = "faithfulness"
PREFIX = "run1"


@pytest.fixture(scope="module")
def store() -> Iterator[str]:
    """An S3-compatible server on a free loopback port; its endpoint URL."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(
    store: str, main_job_logs: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[str]:
    """The main job's logs under s3://faithfulness/run1, as `inspect eval-set --log-dir`
    would leave them; the credentials and endpoint a user sets, and nothing else."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "FSSPEC_S3_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", store)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # never ask beyond loopback
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    S3FileSystem.clear_instance_cache()  # a filesystem made under other variables
    client = boto3.client("s3", endpoint_url=store)
    client.create_bucket(Bucket=BUCKET)
    for path in sorted(main_job_logs.glob("*.eval")):
        client.upload_file(str(path), BUCKET, f"{PREFIX}/{path.name}")
    yield f"s3://{BUCKET}/{PREFIX}"
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def report_files(location: str, out: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    """Every file of the report, and the terminal's text with the logs' folder left out."""
    assert main([location, "--out", str(out), "--formats", "csv,json,md", "--n-boot", "200"]) == 0
    printed = capsys.readouterr()
    files = {path.name: path.read_text() for path in sorted(out.iterdir())}
    return {
        "terminal": printed.out.replace(str(out), "OUT"),
        **{name: text.replace(location, "LOGS") for name, text in files.items()},
    } | {"stderr": printed.err}


def test_the_report_on_the_bucket_equals_the_report_on_the_folder(
    bucket: str, main_job_logs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    local = report_files(str(main_job_logs), tmp_path / "local", capsys)
    remote = report_files(bucket, tmp_path / "remote", capsys)
    assert "reading 12 of 12 logs" in remote.pop("stderr")
    local.pop("stderr")
    assert remote == local
    assert "cells.csv" in remote and "logs.csv" in remote


def test_logs_are_read_in_parallel_and_cached_by_their_etag(
    bucket: str,
    main_job_logs: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    local = report_files(str(main_job_logs), tmp_path / "local", capsys)
    monkeypatch.setattr(logs, "PARALLEL_FROM_BYTES", 0)  # worker processes, as for large runs
    remote = report_files(bucket, tmp_path / "remote", capsys)
    remote.pop("stderr"), local.pop("stderr")
    assert remote == local
    again = report_files(bucket, tmp_path / "again", capsys)
    assert "reading 0 of 12 logs (12 unchanged since the last report)" in again.pop("stderr")
    assert again == local


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("s3://no-such-bucket/run1", r"s3://no-such-bucket/run1: no such folder or log file"),
        (f"s3://{BUCKET}/no-such-run", rf"s3://{BUCKET}/no-such-run: no such folder or log file"),
        ("nosuchscheme://bucket/run1", r"nosuchscheme://bucket/run1: .*nosuchscheme"),
        ("gs://bucket/run1", r"gs://bucket/run1: cannot read this kind of URL \(.*gcsfs.*\)"),
    ],
)
def test_a_location_that_cannot_be_read_is_one_line(
    bucket: str, location: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([location]) == 1
    error = capsys.readouterr().err
    assert re.fullmatch(rf"faithfulness-report: {message}.*\n", error), error


@pytest.mark.parametrize("problem", ["no credentials", "no server"])
def test_missing_credentials_or_an_unreachable_store_is_one_line(
    bucket: str, problem: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if problem == "no credentials":
        monkeypatch.delenv("AWS_ACCESS_KEY_ID")
        monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    else:
        monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens there
    assert main([bucket]) == 1
    error = capsys.readouterr().err
    assert re.fullmatch(rf"faithfulness-report: {bucket}: cannot list the logs \(.*\)\n", error)
