"""`piasite import FOLDER`: a city's published files imported in one go; one bad file does not stop
the others (each refusal named, exit 1); nothing overwritten without --force; no symbolic link read."""

import os
import shutil
from pathlib import Path

from tests.clirun import piasite

ROOT = Path(__file__).resolve().parents[2]
ACCEPTANCE = ROOT / "tests" / "fixtures" / "acceptance"
PDFS = ROOT / "tests" / "fixtures" / "pdf"


def _folder(tmp_path: Path) -> Path:
    src = tmp_path / "published"
    src.mkdir()
    shutil.copy(ACCEPTANCE / "aobadai-5-kiso.txt", src / "aobadai-5-kiso.txt")
    shutil.copy(PDFS / "nakanomori-4-kiso.pdf", src / "nakanomori-4-kiso.pdf")
    (src / "notes.md").write_text("評価書ではないメモ", encoding="utf-8")  # not .pdf/.txt: not read
    return src


def test_a_folder_imports_its_pdf_and_text_files_in_name_order(tmp_path):
    src, out = _folder(tmp_path), tmp_path / "content" / "aobadai"
    r = piasite("import", src, "--out", out)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["aobadai-5-kiso.yaml", "nakanomori-4-kiso.yaml"]
    assert r.stdout.index("aobadai-5-kiso.txt") < r.stdout.index("nakanomori-4-kiso.pdf")
    assert "notes" not in r.stdout + r.stderr


def test_one_file_that_cannot_be_read_is_named_and_the_others_are_imported(tmp_path):
    src, out = _folder(tmp_path), tmp_path / "out"
    (src / "broken.pdf").write_bytes(b"%PDF-1.4\n this is no PDF")
    (src / "empty.txt").write_text("", encoding="utf-8")
    r = piasite("import", src, "--out", out)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "2 件は取り込めませんでした(ほかの 2 件は取り込みました)" in r.stderr
    assert "broken.pdf" in r.stderr and "empty.txt" in r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["aobadai-5-kiso.yaml", "nakanomori-4-kiso.yaml"]


def test_an_existing_yaml_is_kept_unless_force(tmp_path):
    src, out = _folder(tmp_path), tmp_path / "out"
    out.mkdir()
    edited = out / "aobadai-5-kiso.yaml"
    edited.write_text("# 手で直した評価書\n", encoding="utf-8")
    r = piasite("import", src / "aobadai-5-kiso.txt", "--out", out)
    assert r.returncode == 1 and "はもうあります" in r.stderr and "--force" in r.stderr
    assert edited.read_text(encoding="utf-8") == "# 手で直した評価書\n"
    r = piasite("import", src / "aobadai-5-kiso.txt", "--out", out, "--force")
    assert r.returncode == 0 and "手で直した" not in edited.read_text(encoding="utf-8")


def test_a_symbolic_link_in_the_folder_is_not_followed(tmp_path):
    src, out = _folder(tmp_path), tmp_path / "out"
    secret = tmp_path / "secret.txt"
    secret.write_text("特定個人情報保護評価書(基礎項目評価書)\n評価書番号\t99\n", encoding="utf-8")
    os.symlink(secret, src / "link.txt")
    r = piasite("import", src, "--out", out)
    assert r.returncode == 1 and "link.txt: シンボリックリンクは読みません" in r.stderr
    assert not (out / "link.yaml").exists() and (out / "aobadai-5-kiso.yaml").exists()


def test_two_files_of_one_name_would_write_one_yaml_and_the_second_is_refused(tmp_path):
    src, out = tmp_path / "p", tmp_path / "out"
    src.mkdir()
    shutil.copy(ACCEPTANCE / "nakanomori-4-kiso.txt", src / "nakanomori-4-kiso.txt")
    shutil.copy(PDFS / "nakanomori-4-kiso.pdf", src / "nakanomori-4-kiso.pdf")
    r = piasite("import", src, "--out", out)
    assert r.returncode == 1 and "同じ" in r.stderr and "nakanomori-4-kiso.txt" in r.stderr
    assert [p.name for p in out.iterdir()] == ["nakanomori-4-kiso.yaml"]


def test_a_folder_without_pdf_or_text_says_so(tmp_path):
    (tmp_path / "x").mkdir()
    r = piasite("import", tmp_path / "x", "--report")
    assert r.returncode == 1 and ".pdf と .txt のファイルがありません" in r.stderr


def test_a_hostile_file_name_or_text_in_a_folder_reaches_the_terminal_without_control_characters(tmp_path):
    src = tmp_path / "p"
    src.mkdir()
    text = (ACCEPTANCE / "aobadai-5-kiso.txt").read_text(encoding="utf-8")
    text = text.replace("介護保険に関する事務", "介護\x1b[31m保険\x1b]0;x\x07に関する事務\u202e", 1)
    (src / "evil\x1b[2J.txt").write_text(text, encoding="utf-8")  # refused: the YAML's name would be a URL
    (src / "good.txt").write_text(text, encoding="utf-8")
    r = piasite("import", src, "--out", tmp_path / "out")
    assert r.returncode == 1 and "evil" in r.stderr and "good.txt" in r.stdout
    for stream in (r.stdout, r.stderr):
        assert not any(c in stream for c in ("\x1b", "\x07", "\u202e")), stream
    written = (tmp_path / "out" / "good.yaml").read_text(encoding="utf-8")
    assert "\x1b" not in written and "\x07" not in written
