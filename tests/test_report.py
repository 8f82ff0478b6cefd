"""Running templates: files written, HTML without code, JSON valid, failures contained."""

import json
import os
from pathlib import Path

import jsonschema
import pytest

import nps_toolkit as nt
from nps_toolkit.parameters import ParameterError
from nps_toolkit.results import load_schema
from nps_toolkit import report
from nps_toolkit.report import TemplateError, run_template as _run_template

from conftest import sample_columns


def run_template(name, *, parameters, output_dir, **kwargs):
    """The templates on files of the sample's rows: brand, segment and comment columns named as in the sample."""
    return _run_template(name, parameters=sample_columns(name, parameters), output_dir=output_dir, **kwargs)


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory):
    """A small survey export in the Russian Excel flavour (cp1251, ';', day-first dates)."""
    data = nt.load_sample().groupby(["brand", "segment"]).sample(n=16, random_state=7).reset_index(drop=True)
    data["weight"] = 1 + (data["respondent_id"] % 3) / 2
    path = tmp_path_factory.mktemp("data") / "small_ru.csv"
    out = data.assign(date=data["date"].dt.strftime("%d.%m.%Y"))
    out.to_csv(path, sep=";", decimal=",", index=False, encoding="cp1251", errors="replace")
    return path, data


@pytest.mark.parametrize("language", ["en", "ru"])
def test_benchmark_study_runs_and_matches_the_package(tmp_path, small_csv, language):
    path, data = small_csv
    run = run_template("benchmark_study", parameters={"data_path": str(path), "language": language, "benchmark": 20.0},
                       output_dir=tmp_path)
    assert [run.notebook.name, run.html.name, run.results.name] == [
        "benchmark_study.ipynb", "benchmark_study.html", "benchmark_study.json"]
    results = json.loads(run.results.read_text(encoding="utf-8"))
    jsonschema.validate(results, load_schema("benchmark_study"))
    ours = data.loc[data["brand"] == nt.OUR_BRAND, "score"]  # the study looks at our brand only
    expected = nt.confint(ours)
    assert results["overall"]["nps"] == pytest.approx(expected.estimate)
    assert results["overall"]["ci_low"] == pytest.approx(expected.low)
    cmp = nt.compare_to_benchmark(ours, 20.0)
    assert results["benchmark"]["difference"] == pytest.approx(cmp.difference)
    assert results["benchmark"]["p_value"] == pytest.approx(cmp.p_value)
    as_read = nt.read_responses(path)  # comments as the cp1251 file holds them (Polish letters replaced)
    impact = nt.theme_impact(as_read[as_read["brand"] == nt.OUR_BRAND], comments="comment")
    impact = impact[impact["mentions"] > 0]
    assert [f["theme"] for f in results["feedback"]] == impact["theme"].tolist()
    assert [f["impact"] for f in results["feedback"]] == pytest.approx(impact["impact"].tolist(), nan_ok=True)
    html = run.html.read_text(encoding="utf-8")
    assert "prepare_study" not in html and "import nps_toolkit" not in html  # no code in the report
    assert ("NPS по сегментам" in html) == (language == "ru")
    assert "PosixPath" not in html
    assert not list(tmp_path.glob(".*partial*"))


def test_weighted_study_of_every_answer(tmp_path, small_csv):
    path, data = small_csv
    run = run_template("benchmark_study", parameters={"data_path": str(path), "weights_column": "weight", "our_brand": None,
                                           "segment_column": None, "benchmark_industry": None}, output_dir=tmp_path)
    results = json.loads(run.results.read_text(encoding="utf-8"))
    jsonschema.validate(results, load_schema("benchmark_study"))
    scored = data.dropna(subset=["score"])
    by_hand = 100 * (scored["weight"] * ((scored["score"] >= 9).astype(int) - (scored["score"] <= 6).astype(int))
                     ).sum() / scored["weight"].sum()
    assert results["overall"]["nps"] == pytest.approx(by_hand)
    assert results["benchmark"] is None and results["segments"] == []
    assert results["overall"]["n"] == len(scored)  # the number of answers; their weights in weighted_total
    assert results["overall"]["weighted_total"] == pytest.approx(scored["weight"].sum())


@pytest.mark.skipif(os.name != "posix", reason="Unix sockets")
def test_the_kernel_talks_over_private_unix_sockets_and_warns_of_nothing(tmp_path, small_csv, capfd, monkeypatch):
    made = []
    real_mkdtemp = report.tempfile.mkdtemp
    monkeypatch.setattr(report.tempfile, "mkdtemp", lambda **kw: made.append(real_mkdtemp(**kw)) or made[-1])
    run_template("benchmark_study", parameters={"data_path": str(small_csv[0])}, output_dir=tmp_path)
    assert "without encryption" not in capfd.readouterr().err  # the kernel's warning about TCP
    sockets = [m for m in made if Path(m).name.startswith("nps-kernel-")]
    assert len(sockets) == 1 and not Path(sockets[0]).exists()  # the sockets' folder is gone after the run


def test_the_kernel_falls_back_to_tcp_where_sockets_cannot_be(tmp_path):
    assert report._kernel_connection(None) == {}  # no Unix sockets (Windows)
    assert report._kernel_connection("/" + "x" * 100) == {}  # a path too long for a socket
    manager_class = report._kernel_connection(str(tmp_path))["kernel_manager_class"]
    manager = manager_class(kernel_name="python3")
    assert manager.transport == "ipc" and manager.ip == str(tmp_path / "kernel")
    # asynchronous like nbclient's default: a synchronous one starts kernels through a thread of jupyter_core
    # that run_batch's forked workers inherit without the thread, and they wait forever
    from jupyter_client import AsyncKernelManager
    assert issubclass(manager_class, AsyncKernelManager)


def test_failed_run_keeps_the_earlier_report(tmp_path, small_csv):
    path, _ = small_csv
    good = run_template("benchmark_study", parameters={"data_path": str(path)}, output_dir=tmp_path)
    before = good.html.read_text(encoding="utf-8"), good.results.read_text(encoding="utf-8")
    with pytest.raises(TemplateError, match="segment_column.*'region' is not in the data") as info:
        run_template("benchmark_study", parameters={"data_path": str(path), "segment_column": "region"}, output_dir=tmp_path)
    assert info.value.notebook.name == "benchmark_study.failed.ipynb" and info.value.notebook.exists()
    assert (good.html.read_text(encoding="utf-8"), good.results.read_text(encoding="utf-8")) == before
    assert "\n" not in str(info.value)  # one line, not a traceback


@pytest.mark.parametrize("params, message", [
    ({"colour": "red"}, "unknown parameter 'colour'"),
    ({"results_path": "x.json"}, "set by run_template"),
])
def test_bad_parameters_are_refused_before_running(tmp_path, params, message):
    with pytest.raises(ParameterError, match=message):
        run_template("benchmark_study", parameters=params, output_dir=tmp_path)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("params, message", [
    ({"language": "de"}, "language"),
    ({"confidence": "high"}, "confidence"),
    ({"score_column": "nps_answer"}, "nps_answer"),
])
def test_bad_parameters_fail_inside_the_notebook_with_their_name(tmp_path, small_csv, params, message):
    path, _ = small_csv
    with pytest.raises(TemplateError, match=message):
        run_template("benchmark_study", parameters={"data_path": str(path), **params}, output_dir=tmp_path)


def test_competitor_comparison(tmp_path, small_csv):
    path, data = small_csv
    run = run_template("competitor_comparison", parameters={"data_path": str(path)}, output_dir=tmp_path)
    results = json.loads(run.results.read_text(encoding="utf-8"))
    jsonschema.validate(results, load_schema("competitor_comparison"))
    ours = results["our_brand"]
    assert ours not in [c["brand"] for c in results["comparisons"]]
    assert sum(b["p_best"] for b in results["brands"]) == pytest.approx(1.0)
    for c in results["comparisons"]:
        direct = nt.compare(data.loc[data["brand"] == ours, "score"], data.loc[data["brand"] == c["brand"], "score"])
        assert c["difference"] == pytest.approx(direct.difference)
        assert c["p_value"] == pytest.approx(direct.p_value)
    with pytest.raises(TemplateError, match="our_brand.*'Nope'"):
        run_template("competitor_comparison", parameters={"data_path": str(path), "our_brand": "Nope"}, output_dir=tmp_path)


def test_period_comparison(tmp_path, small_csv):
    path, data = small_csv
    run = run_template("period_comparison", parameters={"data_path": str(path), "segment_column": "segment"}, output_dir=tmp_path)
    results = json.loads(run.results.read_text(encoding="utf-8"))
    jsonschema.validate(results, load_schema("period_comparison"))
    labels = [p["period"] for p in results["periods"]]
    first = data.loc[data["brand"] == nt.OUR_BRAND, "date"].min()
    assert labels == sorted(labels) and labels[0] == str(first.to_period("Q"))
    table = nt.compare_periods(data[data["brand"] == nt.OUR_BRAND], freq="QE")
    assert [p["nps"] for p in results["periods"]] == pytest.approx(table["nps"].tolist(), nan_ok=True)
    assert results["change"]["current"] == labels[-1]
    parts = [d["points"] for d in results["decomposition"] if d["kind"] == "change"]
    levels = [d["points"] for d in results["decomposition"] if d["kind"] == "level"]
    assert sum(parts) == pytest.approx(levels[1] - levels[0])


def test_template_counts_a_parquet_file_in_duckdb(tmp_path, small_csv, assert_close):
    """data_path to Parquet: the template counts it in DuckDB and reports what pandas would."""
    pytest.importorskip("duckdb")
    _, data = small_csv
    path = tmp_path / "answers.parquet"
    data.to_parquet(path)
    params = {"data_path": str(path), "segment_column": "segment", "weights_column": "weight"}
    runs = {engine: run_template("period_comparison", parameters={**params, "engine": engine}, output_dir=tmp_path / engine)
            for engine in ("auto", "pandas")}
    results = {engine: json.loads(run.results.read_text(encoding="utf-8")) for engine, run in runs.items()}
    assert results["auto"]["meta"]["engine"] == "duckdb" and results["pandas"]["meta"]["engine"] == "pandas"
    for key in ("periods", "change", "trend", "decomposition", "segment_periods"):
        assert_close(results["auto"][key], results["pandas"][key], key)
    assert "NPS over time" in runs["auto"].html.read_text(encoding="utf-8")


def test_template_reaches_spark_through_spark_connect(tmp_path, small_csv, monkeypatch, assert_close):
    """engine 'spark' with SPARK_REMOTE set: the template's kernel counts through Spark Connect, as on a cluster.

    ``SPARK_REMOTE=local[1]`` makes pyspark start a Spark Connect server on this machine and talk to it
    over gRPC, the same client path as ``SPARK_REMOTE=sc://cluster-host:15002``.
    """
    import importlib.util
    import shutil

    for module in ("pyspark", "grpc", "google.rpc", "zstandard"):
        if importlib.util.find_spec(module.split(".")[0]) is None:
            pytest.skip(f"needs the Spark Connect client (pip install 'nps-toolkit[spark]'): {module} is missing")
    if shutil.which("java") is None:
        pytest.skip("needs Java 17 or newer for the local Spark Connect server")
    _, data = small_csv
    path = tmp_path / "answers.parquet"
    data.drop(columns=["date"]).to_parquet(path)
    params = {"data_path": str(path), "weights_column": "weight"}
    want = json.loads(run_template("competitor_comparison", parameters={**params, "engine": "pandas"},
                                   output_dir=tmp_path / "pandas").results.read_text(encoding="utf-8"))
    monkeypatch.setenv("SPARK_REMOTE", "local[1]")
    got = json.loads(run_template("competitor_comparison", parameters={**params, "engine": "spark"},
                                  output_dir=tmp_path / "spark").results.read_text(encoding="utf-8"))
    assert got["meta"]["engine"] == "spark" and want["meta"]["engine"] == "pandas"
    for key in ("brands", "comparisons"):
        assert_close(got[key], want[key], key)


# -- issue 16: every format of a run, its files' modes, concurrent and stopped runs, the HTML page ---------------
import threading  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402

from nps_toolkit.report import OUTPUTS, export_html, run_batch  # noqa: E402


def _has_browser() -> bool:
    import importlib.util

    from nps_toolkit._browser import chromium_path

    return chromium_path() is not None and importlib.util.find_spec("playwright") is not None


def _writes_outputs(name: str) -> bool:
    """Whether the template's last cell calls ``study.write_outputs`` (the workbook and follow-up list, issue 16)."""
    from nps_toolkit.parameters import template_path

    return "write_outputs" in template_path(name).read_text(encoding="utf-8")


need_outputs = pytest.mark.skipif(not _writes_outputs("benchmark_study"),
                                  reason="the templates do not call study.write_outputs yet (issue 16, templates)")


def _partials(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if "partial" in p.name or p.name.endswith(".tmp"))


@pytest.fixture(scope="module")
def full_run(tmp_path_factory, small_csv):
    """One benchmark study with every output (the PDF when a browser is here), written under umask 0o002."""
    path, _ = small_csv
    out = tmp_path_factory.mktemp("full")
    old = os.umask(0o002)
    try:
        run = run_template("benchmark_study", parameters={"data_path": str(path), "title": "Study <b>&</b>\nQ1"},
                           output_dir=out, pdf=_has_browser())
    finally:
        os.umask(old)
    return out, run


def test_a_run_writes_its_files_with_the_umask_and_leaves_no_temporary_file(full_run):
    out, run = full_run
    assert run.notebook == out / "benchmark_study.ipynb" and run.html == out / "benchmark_study.html"
    assert run.results == out / "benchmark_study.json"
    written = [p for p in (run.notebook, run.html, run.results, run.workbook, run.followup, run.pdf) if p is not None]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)
    for p in written:
        assert p.stat().st_mode & 0o777 == 0o664, p.name  # 0o666 less the umask, not mkstemp's 0600
    assert not _partials(out)


@need_outputs
def test_a_run_writes_the_workbook_and_the_followup_list(full_run):
    import openpyxl

    out, run = full_run
    assert run.workbook == out / "benchmark_study.xlsx"
    sheets = openpyxl.load_workbook(run.workbook).sheetnames
    assert {"methods", "parameters"} <= set(sheets)
    if run.followup is not None:
        assert run.followup == out / "benchmark_study.followup.csv" and "followup" in sheets
        import pandas as pd

        followup = pd.read_csv(run.followup, encoding="utf-8-sig")
        ident = followup.columns[0]
        assert ident == "respondent_id" and len(followup) == openpyxl.load_workbook(run.workbook)["followup"].max_row - 1
        assert ident not in run.html.read_text(encoding="utf-8")  # personal data: never in the report
        assert run.followup.stat().st_mode & 0o777 == 0o664


def test_the_pdf_is_the_printed_report(full_run):
    out, run = full_run
    if not _has_browser():
        assert run.pdf is None
        pytest.skip("no Chromium/Playwright here: the PDF is not printed")
    pypdf = pytest.importorskip("pypdf")
    assert run.pdf == out / "benchmark_study.pdf"
    pages = pypdf.PdfReader(str(run.pdf)).pages
    text = " ".join(page.extract_text() for page in pages)
    assert len(pages) >= 2 and "Study" in text


def test_the_html_is_self_contained_with_print_layout_and_an_escaped_title(full_run):
    _, run = full_run
    page = run.html.read_text(encoding="utf-8")
    head = page.split("</head>")[0]
    assert "<script src=" not in page and "cdnjs" not in page and "unpkg" not in page  # displays offline
    assert "<title>Study &lt;b&gt;&amp;&lt;/b&gt; Q1</title>" in head  # escaped, line break folded
    for rule in ("@media print", "break-inside: avoid", "overflow-wrap: anywhere", "max-width: 100%",
                 "table-layout: auto", "@page"):
        assert rule in head, rule
    assert head.index("nps_toolkit: tables") > head.index("table-layout: fixed")  # after the lab rules: ours win


def test_export_html_escapes_the_title_and_loads_nothing_remote(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Hi")], metadata={"title": "<i>old</i>"})
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, str(path))
    page = export_html(path, title="</title><script>alert(1)</script>", language="ru")
    assert "<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>" in page
    assert "<script>alert(1)</script>" not in page and '<html lang="ru">' in page
    assert "<script" not in page.split("<body")[0]  # no require.js, MathJax, Mermaid or widget scripts


def test_the_html_fits_800_pixels_in_chromium(full_run):
    """A quick look in a real browser (the browser tests go further): nothing wider than the page at 800 px."""
    if not _has_browser():
        pytest.skip("needs Chromium and Playwright")
    from nps_toolkit._browser import browser

    _, run = full_run
    with browser() as chromium:
        page = chromium.new_page(viewport={"width": 800, "height": 900})
        page.goto(run.html.as_uri())
        wide = page.evaluate("""() => [...document.querySelectorAll('table, img, svg, p, h1, h2')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).length""")
        assert page.evaluate("document.documentElement.scrollWidth") <= 800 and wide == 0


def test_an_output_folder_that_is_a_file_is_refused_before_running(tmp_path):
    file = tmp_path / "reports"
    file.write_text("not a folder")
    with pytest.raises(TemplateError, match="'.*reports' is a file, not a folder"):
        run_template("benchmark_study", parameters={}, output_dir=file)
    with pytest.raises(TemplateError, match="part of the path is a file"):
        run_template("benchmark_study", parameters={}, output_dir=file / "sub")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]


def test_an_output_folder_that_cannot_be_written_is_refused(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):  # root writes anywhere: the refusal as a read-only folder gives it
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(report.tempfile, "mkdtemp", refuse)
    with pytest.raises(TemplateError, match="is not writable"):
        run_template("benchmark_study", parameters={}, output_dir=tmp_path)


def test_a_pdf_without_a_browser_is_refused_before_running(tmp_path, monkeypatch):
    monkeypatch.setenv("NPS_TOOLKIT_CHROMIUM", str(tmp_path / "no-such-chromium"))
    with pytest.raises(TemplateError, match="Chromium"):
        run_template("benchmark_study", parameters={}, output_dir=tmp_path / "out", pdf=True)
    assert not (tmp_path / "out").exists()


def test_a_bad_stem_is_refused():
    for stem in ("../up", ".hidden", "a/b", " "):
        with pytest.raises(ParameterError, match="stem"):
            run_template("benchmark_study", parameters={}, output_dir="unused", stem=stem)


def _fake_run(folder: Path, stem: str, tag: str, optional: bool) -> Path:
    run_dir = folder / f".{stem}.{tag}.partial"
    run_dir.mkdir()
    for field, suffix in OUTPUTS.items():
        if optional or field not in ("followup", "pdf"):
            (run_dir / f"{stem}{suffix}").write_text(tag)
    return run_dir


def test_publishing_removes_the_files_a_run_did_not_write(tmp_path):
    report._publish(_fake_run(tmp_path, "s", "first", optional=True), tmp_path, "s")
    (tmp_path / "s.failed.ipynb").write_text("old failure")
    written = report._publish(_fake_run(tmp_path, "s", "second", optional=False), tmp_path, "s")
    assert written["followup"] is None and written["pdf"] is None
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["s.html", "s.ipynb", "s.json", "s.xlsx"]
    assert {p.read_text() for p in tmp_path.iterdir() if p.is_file()} == {"second"}


def test_two_runs_publishing_one_stem_at_once_never_mix(tmp_path):
    """The renames of a run are made under the folder's lock: whoever publishes last wins, whole."""
    for round_ in range(20):
        dirs = [_fake_run(tmp_path, "s", f"r{round_}{k}", optional=k % 2 == 0) for k in range(4)]
        threads = [threading.Thread(target=report._publish, args=(d, tmp_path, "s")) for d in dirs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        tags = {p.read_text() for p in tmp_path.iterdir() if p.is_file()}
        assert len(tags) == 1, tags  # one run's set, never a mix
        files = sorted(p.name for p in tmp_path.iterdir() if p.is_file())
        whole = ["s.followup.csv", "s.html", "s.ipynb", "s.json", "s.pdf", "s.xlsx"]
        assert files == (whole if int(tags.pop()[-1]) % 2 == 0 else [f for f in whole if f not in ("s.followup.csv",
                                                                                                  "s.pdf")])


def _language_of_each_file(folder: Path, stem: str) -> dict:
    import nbformat

    html = (folder / f"{stem}.html").read_text(encoding="utf-8")
    notebook = nbformat.read(str(folder / f"{stem}.ipynb"), as_version=4)
    return {"json": json.loads((folder / f"{stem}.json").read_text(encoding="utf-8"))["meta"]["language"],
            "notebook": notebook.metadata["papermill"]["parameters"]["language"],
            "html": "ru" if "NPS по сегментам" in html else "en"}


def test_concurrent_runs_into_one_folder_keep_their_own_files(tmp_path, small_csv):
    path, _ = small_csv
    params = {"data_path": str(path)}
    jobs = [("benchmark_study", sample_columns("benchmark_study", {**params, "language": lang}), tmp_path, lang)
            for lang in ("en", "ru")]
    results = run_batch(jobs, max_workers=2)
    assert [error for _, error in results] == [None, None]
    for lang in ("en", "ru"):
        assert set(_language_of_each_file(tmp_path, lang).values()) == {lang}
    assert not _partials(tmp_path)


def test_two_runs_of_one_stem_at_once_leave_one_whole_report(tmp_path, small_csv):
    path, _ = small_csv
    with ProcessPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(_run_template, "benchmark_study", output_dir=tmp_path, stem="same",
                               parameters=sample_columns("benchmark_study", {"data_path": str(path), "language": lang}))
                   for lang in ("en", "ru")]
        for future in futures:
            future.result()
    assert len(set(_language_of_each_file(tmp_path, "same").values())) == 1  # the last to finish, whole
    assert not _partials(tmp_path)


def test_a_batch_whose_stems_collide_is_refused_before_any_run(tmp_path):
    jobs = [("benchmark_study", {}, tmp_path / "out", None), ("benchmark_study", {"language": "ru"}, tmp_path / "out",
                                                                 None)]
    with pytest.raises(ParameterError, match="jobs 1 and 2 would both write .*benchmark_study"):
        run_batch(jobs, max_workers=2)
    assert not (tmp_path / "out").exists()


def test_an_interrupted_run_removes_its_temporary_folder(tmp_path, monkeypatch):
    import papermill

    seen = []

    def interrupted(input_path, output_path, **kwargs):
        Path(output_path).write_text("{}")
        seen.append(Path(output_path).parent)
        raise KeyboardInterrupt

    monkeypatch.setattr(papermill, "execute_notebook", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_template("benchmark_study", parameters={}, output_dir=tmp_path)
    assert seen and seen[0].name.endswith(".partial") and not seen[0].exists()
    assert not list(tmp_path.iterdir()) and not report._RUNNING


def test_sigterm_while_publishing_waits_for_the_whole_set(tmp_path, monkeypatch):
    import signal

    run_dir = _fake_run(tmp_path, "s", "new", optional=True)
    replace = os.replace
    calls = []

    def slow_replace(src, dst):
        if not calls:
            report._terminate(signal.SIGTERM, None)  # the signal arrives after the first rename
        calls.append(dst)
        replace(src, dst)

    monkeypatch.setattr(report.os, "replace", slow_replace)
    previous = signal.getsignal(signal.SIGTERM)
    try:
        with pytest.raises(SystemExit) as info:
            report._publish(run_dir, tmp_path, "s")
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert info.value.code == 143 and len(calls) == len(OUTPUTS)  # every file moved, then the exit
    assert {p.read_text() for p in tmp_path.iterdir() if p.is_file()} == {"new"}
