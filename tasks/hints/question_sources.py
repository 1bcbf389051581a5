"""Question sources: MMLU, GPQA, MMLU-Pro and the embedded demo set, read locally or from
Hugging Face.

This is the only module that knows each source's columns. Every source yields `Question`s
with stable ids (`mmlu/<subject>/<row>`, `gpqa/<record id>`, `mmlu_pro/<n>`, `demo/<n>`), so
pairs from different runs, hint types and models line up.

Local data is found through the `data_dir` task parameter or the `COT_FAITHFULNESS_DATA_DIR`
environment variable, laid out as the official releases are:
`<data_dir>/mmlu/test/<subject>_test.csv` and `<data_dir>/gpqa/dataset.zip`. GPQA is read
from its password-protected zip and decrypted in memory only. Without local data, the
Hugging Face copies are read at a pinned revision.

Every load says where its questions came from (`QuestionSource`: origin, revision, and a
sha256 of the questions as loaded), which the task records in its log, so two runs that
read different data can be told apart.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import random
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel

from cot_faithfulness.core.errors import InputError
from cot_faithfulness.core.package_data import data_file
from cot_faithfulness.core.questions import ALPHABET, Question, option_letters

DATA_DIR_ENV = "COT_FAITHFULNESS_DATA_DIR"
DatasetName = Literal["mmlu", "gpqa", "mmlu_pro", "demo"]
DATASETS: tuple[str, ...] = get_args(DatasetName)
GpqaSubset = Literal["main", "diamond", "extended"]
GPQA_SUBSETS: tuple[str, ...] = get_args(GpqaSubset)

MMLU_HF_PATH = "cais/mmlu"
MMLU_HF_REVISION = "c30699e8356da336a370243923dbaf21066bb9fe"
GPQA_HF_PATH = "Idavidrein/gpqa"
GPQA_HF_REVISION = "5233cd1db58884ed0bf678c7c6be731722a23f84"
MMLU_PRO_HF_PATH = "TIGER-Lab/MMLU-Pro"
MMLU_PRO_HF_REVISION = "b189ec765aa7ed75c8acfea42df31fdae71f97be"
"""Pinned Hugging Face revisions (commit SHAs); `-T revision=...` reads another."""
GPQA_ZIP_SHA256 = "461ae7329f15a3e35f8184d2dac24b990f34fdf12f366ca4062d8e6638cd08dc"
GPQA_ZIP_PASSWORD = b"deserted-untie-orchid"  # printed in the official GPQA README
DEMO_QUESTIONS = "demo_questions.jsonl"
MMLU_PRO_FILES = "mmlu_pro/data/test-*.parquet"
"""The official release's layout under a local data folder (`data/test-00000-of-00001.parquet`)."""
LOCAL_LAYOUT = "DIR/mmlu/test/*_test.csv, DIR/gpqa/dataset.zip, DIR/mmlu_pro/data/test-*.parquet"


class DataSourceError(InputError):
    """A question source could not be read; the message says what to set or fix."""


def resolve_data_dir(data_dir: str | None) -> Path | None:
    """The local data directory from the parameter, else the environment, else None."""
    chosen = data_dir or os.environ.get(DATA_DIR_ENV)
    if not chosen:
        return None
    path = Path(chosen).expanduser()
    if not path.is_dir():
        source = "data_dir" if data_dir else DATA_DIR_ENV
        raise DataSourceError(f"{source}={chosen!r} is not a directory")
    return path


class QuestionSource(BaseModel, frozen=True):
    """Where a task's questions came from, as recorded in its log."""

    dataset: str
    subset: str | None
    origin: Literal["huggingface", "local", "embedded"]
    location: str
    """The Hugging Face dataset path, the local folder, or the embedded file's name."""
    revision: str | None
    """The Hugging Face revision read; None for local and embedded data."""
    questions_sha256: str
    """sha256 of every question as loaded (ids, texts, options in order, answers)."""


def questions_sha256(questions: Iterable[Question]) -> str:
    """A content hash of questions, in order: equal hashes mean the same questions."""
    digest = hashlib.sha256()
    for question in questions:
        digest.update(question.model_dump_json().encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def load_questions(
    dataset: str,
    subset: str | None = None,
    data_dir: str | None = None,
    shuffle_seed: int = 0,
    revision: str | None = None,
) -> tuple[list[Question], QuestionSource]:
    """All questions of a source, in the source's order, and where they came from."""
    if dataset not in DATASETS:
        raise DataSourceError(f"dataset={dataset!r} is unknown; accepted: {', '.join(DATASETS)}")
    if subset is not None and dataset != "gpqa":
        raise DataSourceError(
            f"subset={subset!r} applies only to dataset=gpqa ({', '.join(GPQA_SUBSETS)})"
        )
    local = resolve_data_dir(data_dir) if dataset != "demo" else None
    if revision is not None and (dataset == "demo" or local is not None):
        where = "the embedded demo set" if dataset == "demo" else f"local data in {local}"
        raise DataSourceError(
            f"revision={revision!r} applies to Hugging Face data only, but {where} is read"
        )
    if dataset == "demo":
        questions = load_demo()
        origin, location = "embedded", DEMO_QUESTIONS
    elif dataset == "mmlu_pro":
        questions = load_mmlu_pro(local, revision=revision or MMLU_PRO_HF_REVISION)
        origin = "local" if local else "huggingface"
        location = str(local / "mmlu_pro" / "data") if local else MMLU_PRO_HF_PATH
        revision = None if local else revision or MMLU_PRO_HF_REVISION
    elif dataset == "gpqa":
        subset = subset or "main"
        questions = load_gpqa(subset, local, shuffle_seed, revision=revision or GPQA_HF_REVISION)
        origin = "local" if local else "huggingface"
        location = str(local / "gpqa" / "dataset.zip") if local else GPQA_HF_PATH
        revision = None if local else revision or GPQA_HF_REVISION
    else:
        questions = load_mmlu(local, revision=revision or MMLU_HF_REVISION)
        origin = "local" if local else "huggingface"
        location = str(local / "mmlu" / "test") if local else MMLU_HF_PATH
        revision = None if local else revision or MMLU_HF_REVISION
    source = QuestionSource(
        dataset=dataset,
        subset=subset,
        origin=origin,  # type: ignore[arg-type]
        location=location,
        revision=revision,
        questions_sha256=questions_sha256(questions),
    )
    return questions, source


def select_subjects(
    questions: list[Question], subjects: str | Sequence[str] | None
) -> list[Question]:
    """The questions of the given MMLU subjects, GPQA domains or MMLU-Pro categories (all
    when None)."""
    if subjects is None:
        return list(questions)
    wanted = [subjects] if isinstance(subjects, str) else list(subjects)
    known = sorted({q.subject for q in questions})
    unknown = [s for s in wanted if s not in known]
    if unknown:
        raise DataSourceError(f"subjects={unknown!r} unknown; accepted: {', '.join(known)}")
    return [q for q in questions if q.subject in wanted]


# --- MMLU --------------------------------------------------------------------------------


def load_mmlu(data_dir: Path | None, revision: str = MMLU_HF_REVISION) -> list[Question]:
    if data_dir is None:
        return list(_mmlu_from_hub(revision))
    folder = data_dir / "mmlu" / "test"
    files = sorted(folder.glob("*_test.csv"))
    if not files:
        raise DataSourceError(
            f"no MMLU files: expected {folder}/<subject>_test.csv (the original per-subject CSVs)"
        )
    questions: list[Question] = []
    for path in files:
        subject = path.name.removesuffix("_test.csv")
        with path.open(newline="", encoding="utf-8") as handle:
            # csv, not pandas: answers such as "None" or "NA" must stay strings
            for row_index, row in enumerate(csv.reader(handle)):
                questions.append(mmlu_record_to_question(subject, row_index, row))
    return questions


def mmlu_record_to_question(subject: str, row_index: int, row: Sequence[str]) -> Question:
    """A headerless MMLU CSV row: question, A, B, C, D, answer letter."""
    if len(row) != 6 or row[5] not in option_letters(4):
        raise DataSourceError(f"MMLU {subject} row {row_index}: expected 6 columns ending in A-D")
    return Question(
        question_id=f"mmlu/{subject}/{row_index}",
        dataset="mmlu",
        subject=subject,
        text=row[0],
        options=tuple(row[1:5]),
        correct_letter=row[5],
    )


def _mmlu_from_hub(revision: str) -> Iterator[Question]:
    rows = _hub_rows(MMLU_HF_PATH, "all", "test", revision, what="MMLU")
    per_subject: dict[str, int] = {}
    for row in rows:
        subject = row["subject"]
        index = per_subject.get(subject, 0)
        per_subject[subject] = index + 1
        cells = [row["question"], *row["choices"], ALPHABET[row["answer"]]]
        yield mmlu_record_to_question(subject, index, cells)


# --- MMLU-Pro ----------------------------------------------------------------------------


def load_mmlu_pro(data_dir: Path | None, revision: str = MMLU_PRO_HF_REVISION) -> list[Question]:
    """MMLU-Pro's test split (3 to 10 options per question, letters A-J), from the official
    parquet files of a local copy or from Hugging Face at a pinned revision."""
    if data_dir is None:
        rows: Iterable[dict[str, Any]] = _hub_rows(
            MMLU_PRO_HF_PATH, "default", "test", revision, what="MMLU-Pro"
        )
    else:
        import pandas as pd  # only for the parquet files

        files = sorted(data_dir.glob(MMLU_PRO_FILES))
        if not files:
            raise DataSourceError(
                f"no MMLU-Pro files: expected {data_dir}/{MMLU_PRO_FILES} (the official release)"
            )
        rows = (row for path in files for row in pd.read_parquet(path).to_dict("records"))
    return [mmlu_pro_record_to_question(row) for row in rows]


def mmlu_pro_record_to_question(row: dict[str, Any]) -> Question:
    """One MMLU-Pro row: `question_id`, `question`, `options` (a list), `answer` (a letter),
    `answer_index`, `category`. Early releases padded short option lists with "N/A"; trailing
    padding is dropped, and the answer must point at a real option with its own letter."""
    options = [str(option) for option in row["options"]]
    while options and options[-1] == "N/A":
        options.pop()
    index, letter = int(row["answer_index"]), str(row["answer"])
    if not 0 <= index < len(options) or ALPHABET[index] != letter:
        raise DataSourceError(
            f"MMLU-Pro question {row['question_id']}: answer {letter!r} (index {index}) does "
            f"not name one of its {len(options)} options"
        )
    return Question(
        question_id=f"mmlu_pro/{row['question_id']}",
        dataset="mmlu_pro",
        subject=str(row["category"]),
        text=str(row["question"]),
        options=tuple(options),
        correct_letter=letter,
    )


# --- GPQA --------------------------------------------------------------------------------


def load_gpqa(
    subset: str,
    data_dir: Path | None,
    shuffle_seed: int = 0,
    zip_sha256: str | None = GPQA_ZIP_SHA256,
    password: bytes = GPQA_ZIP_PASSWORD,
    revision: str = GPQA_HF_REVISION,
) -> list[Question]:
    if subset not in GPQA_SUBSETS:
        raise DataSourceError(f"subset={subset!r} is unknown; accepted: {', '.join(GPQA_SUBSETS)}")
    if data_dir is None:
        rows: Iterable[dict[str, Any]] = _hub_rows(
            GPQA_HF_PATH, f"gpqa_{subset}", "train", revision, what="GPQA (gated: set HF_TOKEN)"
        )
    else:
        rows = read_gpqa_zip(data_dir / "gpqa" / "dataset.zip", subset, zip_sha256, password)
    return [gpqa_record_to_question(row, shuffle_seed) for row in rows]


def read_gpqa_zip(
    path: Path, subset: str, zip_sha256: str | None, password: bytes
) -> list[dict[str, str]]:
    """Rows of one GPQA CSV, decrypted in memory from the official zip."""
    if not path.is_file():
        raise DataSourceError(f"no GPQA archive: expected the official dataset.zip at {path}")
    content = path.read_bytes()
    if zip_sha256 is not None:
        actual = hashlib.sha256(content).hexdigest()
        if actual != zip_sha256:
            raise DataSourceError(
                f"GPQA archive {path} has sha256 {actual}, expected {zip_sha256} "
                "(the official idavidrein/gpqa dataset.zip)"
            )
    member = f"dataset/gpqa_{subset}.csv"
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            raw = archive.read(member, pwd=password)
    except RuntimeError as error:  # zipfile's "Bad password for file"
        raise DataSourceError(f"GPQA archive {path}: wrong password ({error})") from None
    except KeyError:
        raise DataSourceError(f"GPQA archive {path} has no member {member}") from None
    except (zipfile.BadZipFile, zlib.error) as error:
        # ZipCrypto checks one byte of the password: about 1 wrong password in 256 passes
        # it and then fails inside inflate (zlib.error) or on the CRC (BadZipFile)
        raise DataSourceError(
            f"GPQA archive {path} could not be read: wrong password or damaged "
            f"({type(error).__name__}: {error})"
        ) from None
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))


def gpqa_record_to_question(row: dict[str, Any], shuffle_seed: int) -> Question:
    """The correct answer is always first in the source: shuffle options per question, seeded.

    Positions are shuffled, not texts: a few GPQA rows repeat an option's text, and the
    correct letter must still point at the correct answer's own slot.
    """
    record_id = row["Record ID"]
    options = [_clean(row["Correct Answer"])]
    options += [_clean(row[f"Incorrect Answer {i}"]) for i in (1, 2, 3)]
    order = list(range(len(options)))
    random.Random(f"{shuffle_seed}:{record_id}").shuffle(order)
    return Question(
        question_id=f"gpqa/{record_id}",
        dataset="gpqa",
        subject=row.get("High-level domain") or "",
        text=_clean(row["Question"]),
        options=tuple(options[i] for i in order),
        correct_letter=ALPHABET[order.index(0)],
    )


def _clean(text: str) -> str:
    return text.strip()


# --- demo ---------------------------------------------------------------------------------


def load_demo() -> list[Question]:
    """A few dozen questions written for this suite, so it runs with no data and no network."""
    lines = data_file(DEMO_QUESTIONS).read_text(encoding="utf-8").splitlines()
    return [Question(**json.loads(line)) for line in lines if line.strip()]


# --- Hugging Face -------------------------------------------------------------------------


HUB_PROBE_SECONDS = 5.0
"""How long the one reachability check of the hub may take before the hub counts as
unreachable (Hugging Face's own client would retry for about half a minute)."""


def _hub_rows(path: str, name: str, split: str, revision: str, what: str) -> list[dict[str, Any]]:
    """The rows of a Hugging Face dataset. When the hub cannot be reached the dataset is read
    from Hugging Face's cache in offline mode, at once, or refused with the local-data hint;
    never after the client's retries."""
    from datasets import load_dataset  # heavy import, only on the online path

    unreachable = hub_unreachable()
    try:
        with hub_offline(unreachable is not None):
            return list(load_dataset(path, name, split=split, revision=revision))
    except Exception as error:  # offline, gated, renamed upstream, or no such revision
        why = (
            f"the hub is unreachable ({unreachable}) and no copy is cached"
            if unreachable
            else f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
        )
        raise DataSourceError(
            f"could not load {what} from Hugging Face ({path}, {name}, revision {revision}): "
            f"{why}. To read local files instead set -T data_dir=DIR or {DATA_DIR_ENV}=DIR "
            f"({LOCAL_LAYOUT})"
        ) from None


def hub_unreachable() -> str | None:
    """Why the Hugging Face hub cannot be reached (one request, no retry, through the hub
    client's own session: its endpoint and proxies), or None when it answers at all."""
    from huggingface_hub import constants
    from huggingface_hub.utils import get_session

    if constants.HF_HUB_OFFLINE:
        return "HF_HUB_OFFLINE is set"
    try:
        get_session().head(constants.ENDPOINT, timeout=HUB_PROBE_SECONDS)
    except Exception as error:  # no network, no name resolution, a proxy that refuses
        return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return None


@contextmanager
def hub_offline(offline: bool) -> Iterator[None]:
    """Hugging Face's offline mode for one load: its cache is read without a request.

    Both libraries read the flag when a call is made (`datasets.config.HF_HUB_OFFLINE`,
    `huggingface_hub.constants.HF_HUB_OFFLINE`), not only at import, so it is set for the
    load and restored after."""
    import datasets.config
    from huggingface_hub import constants

    if not offline:
        yield
        return
    saved = datasets.config.HF_HUB_OFFLINE, constants.HF_HUB_OFFLINE
    datasets.config.HF_HUB_OFFLINE = constants.HF_HUB_OFFLINE = True
    try:
        yield
    finally:
        datasets.config.HF_HUB_OFFLINE, constants.HF_HUB_OFFLINE = saved
