"""Hostile vaults (issue 14): names that are not UTF-8, named pipes, files and folders
the user may not read, an image swapped for a link while a deck is written. Every command
keeps working and names the file; nothing outside the vault is packed; a build says the
same about images whether its notes came from the cache or not.

Permissions are real: where the tests run as root, the command runs as the unprivileged
user ``nobody`` (root reads everything), in a folder that user can reach."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pexpect
import pytest

from highyield.config import folder_deck
from highyield.deck import export
from highyield.deck.build import build
from highyield.errors import Diagnostic
from highyield.identity.collect import collect
from highyield.vault.opening import Changed, open_in_vault
from tests.anki_client import Imported, import_apkg
from tests.conftest import FIXED_NOW
from tests.test_terminal import _highyield

PNG = b"\x89PNG\r\n\x1a\n inside the vault"
SECRET = b"\x89PNG\r\n\x1a\n SECRET, outside the vault"
ALS = "# ALS\n- ==Riluzole== inhibits glutamate release.\n- ==Pic==: ![[x.png]]\n"
NOBODY = 65534
TIMEOUT = 20  # seconds: a command that hangs fails the test instead of hanging it
ROOT = os.geteuid() == 0


def _bad(folder: Path, name: bytes) -> Path:
    """A path whose last name is not UTF-8."""
    return folder / os.fsdecode(name)


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder the unprivileged user can reach (pytest's own folders are root's only),
    with a home for highyield in it."""
    root = Path(tempfile.mkdtemp(prefix="highyield-faults-", dir="/tmp"))
    root.chmod(0o755)
    (root / "home").mkdir()
    try:
        yield root
    finally:
        for folder, dirs, _ in os.walk(root):  # what a test locked, unlocked to delete
            for name in dirs:
                os.chmod(os.path.join(folder, name), 0o755)
        shutil.rmtree(root)


def _env(shared: Path) -> dict[str, str]:
    return {**os.environ, "HIGHYIELD_HOME": str(shared / "home"), "HOME": str(shared),
            "TMPDIR": str(shared), "COLUMNS": "100", "NO_COLOR": "1"}


def _as_nobody(shared: Path) -> list[str]:
    """Run as ``nobody`` when the tests run as root; the files become that user's."""
    if not ROOT:
        return []
    os.chown(shared, NOBODY, NOBODY)
    for folder, dirs, files in os.walk(shared):
        for name in [*dirs, *files]:
            os.chown(os.path.join(folder, name), NOBODY, NOBODY, follow_symlinks=False)
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


def _run(shared: Path, *args: str, user: list[str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    """The real command, in its own process, which must end within TIMEOUT."""
    return subprocess.run([*(user or []), _highyield(), *args], cwd=shared, env=_env(shared),
                          capture_output=True, text=True, timeout=TIMEOUT,
                          stdin=subprocess.DEVNULL)


def _spawn_watch(shared: Path, *args: str, user: list[str] | None = None
                 ) -> pexpect.spawn[str]:
    command = [*(user or []), _highyield(), "watch", *args]
    return pexpect.spawn(command[0], command[1:], cwd=str(shared), env=_env(shared),
                         encoding="utf-8", timeout=TIMEOUT, dimensions=(40, 100))


def _stop(child: pexpect.spawn[str]) -> None:
    child.kill(signal.SIGINT)
    child.expect("Stopped watching.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def _vault(shared: Path, files: dict[str, str | bytes]) -> Path:
    vault = shared / "vault"
    for rel, content in files.items():
        path = vault / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return vault


def _imported(apkg: Path, folder: Path) -> tuple[Imported, list[bytes]]:
    """The deck as Anki imports it, and the bytes of every image it brought."""
    imported = import_apkg(apkg, folder)
    media = folder / "collection.media"
    return imported, [(media / name).read_bytes() for name in imported.media]


# Item 2: names that are not UTF-8 ------------------------------------------------------

BAD_NAMES = ("vault/d\\xfe: warning: folder name is not valid UTF-8; skipped, with everything "
             "in it\n"
             "  hint: rename the folder: notes, images and folders need UTF-8 names, as "
             "Obsidian gives them\n"
             "vault/n\\xff.md: warning: file name is not valid UTF-8; skipped\n"
             "  hint: rename the file: notes, images and folders need UTF-8 names, as "
             "Obsidian gives them\n"
             "vault/x\\xff.png: warning: file name is not valid UTF-8; skipped\n"
             "  hint: rename the file: notes, images and folders need UTF-8 names, as "
             "Obsidian gives them\n")


def _bad_names(shared: Path) -> Path:
    vault = _vault(shared, {"ALS.md": ALS, "x.png": PNG})
    _bad(vault, b"x\xff.png").write_bytes(PNG)
    _bad(vault, b"n\xff.md").write_text("- ==Edaravone== scavenges free radicals.\n")
    _bad(vault, b"d\xfe").mkdir()
    (_bad(vault, b"d\xfe") / "q.md").write_text("- ==Baclofen== relieves spasticity.\n")
    return vault


def test_a_name_that_is_not_utf8_is_skipped_and_named_by_build_check_and_quiz(
        shared: Path) -> None:
    _bad_names(shared)
    built = _run(shared, "build", "vault", "-o", "out/d.apkg")
    assert (built.returncode, built.stderr) == (0, BAD_NAMES)
    assert built.stdout == (
        "Built vault → out/d.apkg: +2 new\n"
        "  1 note read · 2 cards in 2 Anki notes (2 cloze, 0 basic, 0 reversed) · 1 image "
        "· 0 errors · 3 warnings\n")
    imported, media = _imported(shared / "out/d.apkg", shared / "anki")
    assert sorted(c.question_text for c in imported.cards) == [
        "ALS [...] inhibits glutamate release.", "ALS [...]: Riluzole inhibits glutamate release."]
    assert media == [PNG]
    checked = _run(shared, "check", "vault")
    assert (checked.returncode, checked.stdout) == (0, BAD_NAMES + (
        "Checked vault: 1 note read · 2 cards in 2 Anki notes (2 cloze, 0 basic, "
        "0 reversed) · 1 image · 0 errors · 3 warnings\n"))
    quiz = _run(shared, "quiz", "vault", "--state", "s.sqlite3")
    assert quiz.returncode == 0, quiz.stderr
    assert quiz.stderr == "New review store: s.sqlite3\n" + BAD_NAMES + \
        "Read vault: 2 cards (2 added)\n"


def test_watch_keeps_watching_a_vault_with_names_that_are_not_utf8(shared: Path) -> None:
    vault = _bad_names(shared)
    child = _spawn_watch(shared, "vault", "-o", "d.apkg")
    # The system's watcher gives up on such a name; watch starts again, polling.
    child.expect_exact('warning: the file watcher stopped (Unable to decode path "')
    child.expect_exact("vault/n\\xff.md: warning: file name is not valid UTF-8; skipped")
    child.expect(r"Built vault → d\.apkg: \+2 new")
    child.expect("Watching vault for changes; Ctrl-C stops.")
    _bad(vault, b"new\xff.png").write_bytes(PNG)  # stops the polling watcher too
    child.expect_exact("warning: the file watcher stopped")
    child.expect("Watching vault for changes; Ctrl-C stops.")
    with (vault / "ALS.md").open("a", encoding="utf-8") as f:
        f.write("- ==Edaravone== scavenges free radicals.\n")
    child.expect_exact("vault/new\\xff.png: warning: file name is not valid UTF-8; skipped")
    child.expect(r"Built vault → d\.apkg: \+1 new")
    _stop(child)
    assert len(import_apkg(shared / "d.apkg", shared / "anki").cards) == 3


# Item 3: an image swapped for a link while the deck is written -------------------------

@pytest.mark.parametrize("swapped", ["the image", "its folder"])
def test_an_image_swapped_for_a_link_while_the_deck_is_written_is_not_packed(
        make_vault: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        swapped: str) -> None:
    vault = make_vault({"ALS.md": ALS.replace("x.png", "img/x.png"), "img/x.png": PNG})
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.png").write_bytes(SECRET)
    real = export.write_deck

    def swap_then_write(*args: object, **kwargs: object) -> dict[str, str]:
        # after every note was read and its images checked, before anything is packed
        if swapped == "the image":
            (vault / "img/x.png").unlink()
            (vault / "img/x.png").symlink_to(outside / "x.png")
        else:
            shutil.rmtree(vault / "img")
            (vault / "img").symlink_to(outside)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(export, "write_deck", swap_then_write)
    deck = folder_deck(vault, tmp_path / "d.apkg")
    built = build(deck, now=FIXED_NOW)
    assert built.tally is not None
    imported, media = _imported(deck.output, tmp_path / "anki")
    assert len(imported.cards) == 2 and media == []  # neither the outside bytes nor a hole
    assert [d.format() for d in built.tally.diagnostics] == [
        f"{vault}/ALS.md:3: warning: image 'img/x.png' changed while the deck was written "
        "(it is now a link out of the vault); it is not packed\n"
        "  hint: build again once the image is in place"]
    assert built.tally.images == 0
    monkeypatch.setattr(export, "write_deck", real)
    again = build(deck, now=FIXED_NOW + 60)  # the link is seen for what it is
    assert again.tally is not None
    assert [d.message for d in again.tally.diagnostics] == [
        "image 'img/x.png' points outside the vault; it is not packed"]
    assert _imported(deck.output, tmp_path / "anki2")[1] == []


def test_a_folder_swapped_for_a_link_while_an_image_is_opened_is_refused(
        make_vault: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
        ) -> None:
    """A path through a link inside the vault has its links resolved, then is opened
    folder by folder: a folder swapped for a link between the two is not followed."""
    vault = make_vault({"img/x.png": PNG})
    (vault / "pics").symlink_to(vault / "img")  # a link that stays inside: followed
    with open_in_vault(vault, vault / "pics/x.png") as image:
        assert image.read() == PNG
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.png").write_bytes(SECRET)
    real = os.path.realpath

    def resolve_then_swap(path: str | os.PathLike[str]) -> str:
        resolved = real(path)
        if str(path).endswith("x.png"):
            shutil.rmtree(vault / "img")
            (vault / "img").symlink_to(outside)
        return resolved

    monkeypatch.setattr(os.path, "realpath", resolve_then_swap)
    with pytest.raises(Changed):
        open_in_vault(vault, vault / "pics/x.png")


# Item 5: named pipes --------------------------------------------------------------------

PIPES = ("vault/ALS.md:3: warning: image 'p.png' is not a regular file (a named pipe); it is "
         "not packed\n"
         "  hint: embed an image file; a named pipe, socket or device is never read\n"
         "vault/p.md: warning: note is not a regular file (a named pipe); skipped\n"
         "  hint: only regular files are read as notes; remove it, or give it a name that "
         "does not end in .md\n")


def test_a_named_pipe_is_never_read_by_any_command(shared: Path) -> None:
    vault = _vault(shared, {"ALS.md": ALS.replace("x.png", "p.png") +
                            "- Dysarthria is ![[p#Signs]] a sign.\n"})
    os.mkfifo(vault / "p.md")
    os.mkfifo(vault / "p.png")
    built = _run(shared, "build", "vault", "-o", "d.apkg")
    assert (built.returncode, built.stderr) == (0, PIPES)
    imported, media = _imported(shared / "d.apkg", shared / "anki")
    assert len(imported.cards) == 2 and media == []
    checked = _run(shared, "check", "vault")
    assert (checked.returncode, checked.stdout.split("Checked")[0]) == (0, PIPES)
    quiz = _run(shared, "quiz", "vault", "--state", "s.sqlite3")
    assert quiz.returncode == 0, quiz.stderr
    assert PIPES + "Read vault: 2 cards (2 added)\n" in quiz.stderr
    child = _spawn_watch(shared, "vault", "-o", "w.apkg")
    child.expect_exact("vault/p.md: warning: note is not a regular file (a named pipe)")
    child.expect("Watching vault for changes")
    _stop(child)



SETTINGS_PIPES = (
    "vault/.highyield/ledger.tsv: warning: cannot read the ledger: not a regular file\n"
    "  hint: move what is at .highyield/ledger.tsv away (the build writes the ledger "
    "there); until then cards are matched by their exact text\n"
    "vault/.highyield/ledger.tsv: warning: cannot write the ledger: not a regular file\n"
    "  hint: move what is at .highyield/ledger.tsv away (the build writes the ledger "
    "there); until then this computer's copy keeps each card's identity\n"
    "vault/.obsidian/plugins/obsidian-spaced-repetition/data.json: warning: "
    "obsidian-spaced-repetition settings: cannot read it (not a regular file)\n")


def test_settings_files_that_are_named_pipes_are_never_waited_on(shared: Path) -> None:
    """The ledger, the Obsidian settings highyield looks at and a deck file: a pipe in
    their place is refused at once, and the notes are still built."""
    vault = _vault(shared, {"ALS.md": "# ALS\n- ==Riluzole== inhibits glutamate release.\n"})
    for rel in (".highyield/ledger.tsv", ".obsidian/community-plugins.json",
                ".obsidian/templates.json", ".obsidian/plugins/obsidian-spaced-repetition/"
                "data.json", "decks/pipe.yaml"):
        (vault / rel).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(vault / rel)
    built = _run(shared, "build", "vault", "-o", "d.apkg")
    assert built.returncode == 0
    assert built.stderr.startswith(SETTINGS_PIPES), built.stderr
    imported, _ = _imported(shared / "d.apkg", shared / "anki")
    assert [c.answer_text for c in imported.cards] == \
        ["ALS Riluzole inhibits glutamate release. ALS.md"]
    in_decks = subprocess.run([_highyield(), "build"], cwd=vault / "decks", env=_env(shared),
                              capture_output=True, text=True, timeout=TIMEOUT,
                              stdin=subprocess.DEVNULL)
    assert in_decks.returncode == 2  # nothing to build there, said at once
    assert in_decks.stderr.startswith("error: no deck definitions in decks/")

# Items 6 and 7: what the user may not read -----------------------------------------------

def test_an_unreadable_image_is_a_warning_at_its_line_and_the_deck_is_written(
        shared: Path) -> None:
    vault = _vault(shared, {"ALS.md": ALS, "x.png": PNG})
    user = _as_nobody(shared)
    (vault / "x.png").chmod(0)
    unreadable = ("vault/ALS.md:3: warning: image 'x.png' cannot be read (Permission denied); "
                  "it is not packed\n"
                  "  hint: check the image's permissions; the deck is written without it\n")
    built = _run(shared, "build", "vault", "-o", "out/o.apkg", user=user)
    assert (built.returncode, built.stderr) == (0, unreadable)
    imported, media = _imported(shared / "out/o.apkg", shared / "anki")
    assert len(imported.cards) == 2 and media == []
    with (vault / "ALS.md").open("a", encoding="utf-8") as f:
        f.write("- ==Edaravone== scavenges free radicals.\n")
    again = _run(shared, "build", "vault", "-o", "out/o.apkg", user=user)  # incremental
    assert (again.returncode, again.stderr) == (0, unreadable)
    assert again.stdout.startswith("Built vault → out/o.apkg: +1 new")
    checked = _run(shared, "check", "vault", user=user)
    assert checked.stdout.startswith(unreadable)


def test_an_image_too_large_for_a_deck_is_a_warning_and_the_deck_is_written(
        shared: Path) -> None:
    """A 2.2 GB image was an internal error (a ZIP without ZIP64), and no deck, under
    watch too (fifteenth fault probe). One over AnkiWeb's 100 MB is left out, said at its
    line; the package writes any size it still meets."""
    vault = _vault(shared, {"ALS.md": ALS, "x.png": PNG})
    with (vault / "x.png").open("r+b") as f:
        f.truncate(2200 * 1024 * 1024)  # sparse: no disk used
    built = _run(shared, "build", "vault", "-o", "out/o.apkg")
    assert (built.returncode, built.stderr) == (0, (
        "vault/ALS.md:3: warning: image 'x.png' is 2,200 MB, over the 100 MB a file in an "
        "Anki deck may be; it is not packed\n"
        "  hint: make it smaller: AnkiWeb syncs no file over 100 MB\n"))
    imported, media = _imported(shared / "out/o.apkg", shared / "anki")
    assert len(imported.cards) == 2 and media == []


UNREADABLE_FOLDER = ("vault/Private: warning: cannot read folder: Permission denied; its notes "
                     "and images are skipped, and the cards made of them before are kept\n"
                     "  hint: check the folder's permissions: highyield must be able to list "
                     "and open it\n")


def test_an_unreadable_folder_is_a_warning_every_time(shared: Path) -> None:
    vault = _vault(shared, {"ALS.md": ALS, "x.png": PNG,
                            "Private/Renal.md": "- ==Furosemide== acts on the loop.\n"})
    user = _as_nobody(shared)
    (vault / "Private").chmod(0)
    first = _run(shared, "build", "vault", "-o", "d.apkg", user=user)
    assert (first.returncode, first.stderr) == (0, UNREADABLE_FOLDER)
    with (vault / "ALS.md").open("a", encoding="utf-8") as f:
        f.write("- ==Edaravone== scavenges free radicals.\n")
    again = _run(shared, "build", "vault", "-o", "d.apkg", user=user)
    assert (again.returncode, again.stderr) == (0, UNREADABLE_FOLDER)
    assert again.stdout.startswith("Built vault → d.apkg: +1 new")
    checked = _run(shared, "check", "vault", user=user)
    assert (checked.returncode, checked.stdout.split("Checked")[0]) == (0, UNREADABLE_FOLDER)
    child = _spawn_watch(shared, "vault", "-o", "w.apkg", user=user)
    child.expect_exact(UNREADABLE_FOLDER.replace("\n", "\r\n"))
    child.expect("Watching vault for changes")
    _stop(child)
    assert len(import_apkg(shared / "d.apkg", shared / "anki").cards) == 3


def test_a_folder_deeper_than_the_system_allows_is_said_with_what_to_do(
        shared: Path) -> None:
    """A folder whose path is over PATH_MAX (4,096 bytes) is skipped with its notes, said
    as such: the hint was to check its permissions."""
    vault = _vault(shared, {"ALS.md": "- ==Edaravone== scavenges free radicals.\n"})
    deep, made = "a" * 200, os.open(vault, os.O_RDONLY)
    for _ in range(21):  # each step relative to the last: no path over the limit is used
        os.mkdir(deep, dir_fd=made)
        made, parent = os.open(deep, os.O_RDONLY, dir_fd=made), made
        os.close(parent)
    note = os.open("Deep.md", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=made)
    os.write(note, b"- ==Riluzole== blocks glutamate release.\n")
    os.close(note)
    os.close(made)
    try:
        built = _run(shared, "build", "vault", "-o", "d.apkg")
    finally:
        shutil.rmtree(vault / deep)  # by folder handles, as the fixture's cleanup cannot
    assert built.returncode == 0, built.stderr
    [said, hint] = built.stderr.splitlines()
    assert said.startswith("vault/" + "/".join([deep] * 20)) and said.endswith(
        ": warning: cannot read folder: File name too long; its notes and images are "
        "skipped, and the cards made of them before are kept")
    assert hint == ("  hint: its path is longer than this system allows: shorten the names "
                    "of the folders on the way to it, or move the folder nearer the "
                    "vault's top")
    [card] = import_apkg(shared / "d.apkg", shared / "anki").cards  # the deep note's: none
    assert "Edaravone" in card.fields["Text"]


def test_a_note_that_becomes_readable_is_read_by_the_next_build_and_quiz(
        shared: Path) -> None:
    """``chmod`` changes neither a note's size nor its time, only its change time."""
    vault = _vault(shared, {"ALS.md": ALS, "x.png": PNG,
                            "Renal.md": "- ==Furosemide== acts on the loop.\n"})
    user = _as_nobody(shared)
    (vault / "Renal.md").chmod(0)
    first = _run(shared, "build", "vault", "-o", "d.apkg", user=user)
    assert (first.returncode, first.stderr) == (1, (
        "vault/Renal.md: error: cannot read note: Permission denied\n"
        "  hint: check the file's permissions\n"))
    quiz = _run(shared, "quiz", "vault", "--state", "s.sqlite3", "--new", "0", user=user)
    assert "Read vault: 2 cards (2 added)\n" in quiz.stderr
    (vault / "Renal.md").chmod(0o644)
    again = _run(shared, "build", "vault", "-o", "d.apkg", user=user)
    assert (again.returncode, again.stderr) == (0, "")
    assert again.stdout.startswith("Built vault → d.apkg: +1 new")
    imported, _ = _imported(shared / "d.apkg", shared / "anki")
    assert sorted(c.answer_text for c in imported.cards) == [
        "ALS Pic: Riluzole inhibits glutamate release. ALS.md",
        "ALS Riluzole inhibits glutamate release. ALS.md",
        "Renal Furosemide acts on the loop. Renal.md"]
    quiz = _run(shared, "quiz", "vault", "--state", "s.sqlite3", "--new", "0", user=user)
    assert (quiz.returncode, quiz.stderr) == (0, "Read vault: 3 cards (1 added)\n")



def test_a_note_made_unreadable_is_said_on_every_build_and_its_cards_kept(
        shared: Path) -> None:
    """Its cards are in the build cache, and its size and time are unchanged: the build
    still finds it cannot read the note, and says so. A note that cannot be read is not a
    note deleted: its cards stay as they were, in the deck and in the quiz (twelfth fault
    probe: they were retired), and it is read again once it can be."""
    vault = _vault(shared, {"ALS.md": ALS, "x.png": PNG,
                            "Renal.md": "- ==Furosemide== acts on the loop.\n"})
    user = _as_nobody(shared)
    first = _run(shared, "build", "vault", "-o", "d.apkg", user=user)
    assert (first.returncode, first.stderr) == (0, "")
    quiz = _run(shared, "quiz", "vault", "--state", "s.sqlite3", "--new", "0", user=user)
    assert "Read vault: 3 cards (3 added)\n" in quiz.stderr
    (vault / "Renal.md").chmod(0)
    for _ in range(2):  # and again on the next build
        again = _run(shared, "build", "vault", "-o", "d.apkg", "--force", user=user)
        assert (again.returncode, again.stderr) == (1, (
            "vault/Renal.md: error: cannot read note: Permission denied; its cards from the "
            "last build are kept\n  hint: check the file's permissions\n"))
        assert "retired" not in again.stdout
    imported, _ = _imported(shared / "d.apkg", shared / "anki")
    renal = [c for c in imported.cards if c.answer_text.startswith("Renal Furosemide")]
    assert [("highyield::retired" in c.tags) for c in renal] == [False]
    quiz = _run(shared, "quiz", "vault", "--state", "s.sqlite3", "--new", "0", user=user)
    assert "retired" not in quiz.stderr, quiz.stderr
    stats = _run(shared, "stats", "--state", "s.sqlite3", user=user)
    assert stats.stdout.startswith("Cards: 3 new · 0 learning · 0 review · 0 retired · "), \
        stats.stdout
    (vault / "Renal.md").write_text("- ==Furosemide== acts on the thick ascending limb.\n")
    (vault / "Renal.md").chmod(0o644)
    back = _run(shared, "build", "vault", "-o", "d.apkg", user=user)
    assert (back.returncode, back.stderr) == (0, "")
    assert back.stdout.startswith("Built vault → d.apkg: ~1 updated"), back.stdout

def test_a_build_with_unreadable_notes_is_never_up_to_date_and_blames_no_highlights(
        shared: Path) -> None:
    """Every card is in notes it cannot read: the build says that, not "nothing is
    highlighted", and the next build (nothing changed) says it again instead of "up to
    date" with exit code 0."""
    vault = _vault(shared, {"Plain.md": "- Nothing marked here.\n",
                            "Renal.md": "- ==Furosemide== acts on the loop.\n",
                            "Private/Cardio.md": "- ==Digoxin== slows the heart.\n"})
    user = _as_nobody(shared)
    (vault / "Renal.md").chmod(0)
    (vault / "Private").chmod(0)
    for _ in range(2):
        built = _run(shared, "build", "vault", "-o", "d.apkg", user=user)
        assert (built.returncode, built.stderr) == (1, (
            "vault: warning: no cards in the notes that could be read\n"
            "  hint: the notes and folders that could not be read are named here: let "
            "highyield read them (check their permissions) and build again\n" +
            UNREADABLE_FOLDER +
            "vault/Renal.md: error: cannot read note: Permission denied\n"
            "  hint: check the file's permissions\n"))
    for _ in range(2):  # the quiz too
        quiz = _run(shared, "quiz", "vault", "--state", "s.sqlite3", "--new", "0", user=user)
        assert "vault/Renal.md: error: cannot read note: Permission denied\n" in quiz.stderr


def test_a_folder_that_becomes_unreadable_is_a_warning_not_an_internal_error(
        shared: Path) -> None:
    vault = _vault(shared, {"ALS.md": ALS, "x.png": PNG,
                            "Private/Renal.md": "- ==Furosemide== acts on the loop.\n"})
    user = _as_nobody(shared)
    first = _run(shared, "build", "vault", "-o", "d.apkg", user=user)
    assert (first.returncode, first.stderr) == (0, "")
    (vault / "Private").chmod(0)
    again = _run(shared, "build", "vault", "-o", "d.apkg", user=user)
    assert (again.returncode, again.stderr) == (0, UNREADABLE_FOLDER)
    assert "retired" not in again.stdout  # (twelfth fault probe: they were)
    imported, _ = _imported(shared / "d.apkg", shared / "anki")
    assert [c.answer_text for c in imported.cards if "Furosemide" in c.answer_text] == [
        "Renal Furosemide acts on the loop. Private/Renal.md"]
    assert not any("highyield::retired" in c.tags for c in imported.cards)
    checked = _run(shared, "check", "vault", user=user)
    assert (checked.returncode, checked.stdout.split("Checked")[0]) == (0, UNREADABLE_FOLDER)


# Item 13: the same warnings, cold or incremental ------------------------------------------

def _said(diagnostics: tuple[Diagnostic, ...] | None) -> list[str]:
    return [d.format() for d in diagnostics or ()]


def test_every_build_gives_the_same_image_warnings_cold_or_incremental(
        make_vault: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
        ) -> None:
    vault = make_vault({"ALS.md": ALS, "Renal.md": "- Furosemide: ==loop diuretic== ![[y.png]]\n",
                        "x.png": PNG})
    deck = folder_deck(vault, tmp_path / "d.apkg")
    missing = f"{vault}/Renal.md:1: warning: image 'y.png' was not found in the vault\n" \
        "  hint: put the image inside the vault and embed it as ![[name.png]]"
    gone = missing.replace("Renal.md:1", "ALS.md:3").replace("y.png", "x.png")

    def same_everywhere(now: float, expected: list[str]) -> None:
        built = build(deck, now=now)
        assert built.tally is not None
        assert _said(built.tally.diagnostics) == expected
        assert _said(collect(deck).diagnostics) == expected  # check and the quiz
        with monkeypatch.context() as cold:  # a build without a cache
            cold.setenv("HIGHYIELD_HOME", str(tmp_path / f"cold{now}"))
            fresh = build(deck, now=now)
            assert fresh.tally is not None and _said(fresh.tally.diagnostics) == expected

    same_everywhere(FIXED_NOW, [missing])
    (vault / "x.png").unlink()  # the note that embeds it unchanged
    same_everywhere(FIXED_NOW + 60, [gone, missing])
    (vault / "x.png").write_bytes(PNG)
    same_everywhere(FIXED_NOW + 120, [missing])
    (vault / "x.png").unlink()
    (vault / "ALS.md").write_text(ALS)  # saved again as it was: read again, same text
    same_everywhere(FIXED_NOW + 180, [gone, missing])
    (vault / "y.png").mkdir()  # a folder is no image: still not found
    (vault / "Other.md").write_text("- ==Baclofen== relieves spasticity.\n")
    same_everywhere(FIXED_NOW + 240, [gone, missing])
    assert len(import_apkg(deck.output, tmp_path / "anki").cards) == 4


# Links that lead nowhere: a loop, a missing target -----------------------------------------

LOOPS = ("vault/ALS.md:3: warning: image 'x.png' is a loop of links (ELOOP), not a file; it "
         "is not packed\n"
         "  hint: remove the link, or point it at an image\n"
         "vault/l1.md: warning: note is a loop of links (ELOOP), not a file; skipped\n"
         "  hint: remove the link, or point it at a note\n"
         "vault/l2.md: warning: note is a loop of links (ELOOP), not a file; skipped\n"
         "  hint: remove the link, or point it at a note\n")


def test_a_loop_of_links_is_named_as_such_and_skipped(shared: Path) -> None:
    vault = _vault(shared, {"ALS.md": ALS})
    (vault / "l2.md").symlink_to("l1.md")
    (vault / "l1.md").symlink_to("l2.md")
    (vault / "x.png").symlink_to("x.png")
    built = _run(shared, "build", "vault", "-o", "d.apkg")
    assert (built.returncode, built.stderr) == (0, LOOPS)
    imported, media = _imported(shared / "d.apkg", shared / "anki")
    assert len(imported.cards) == 2 and media == []
    checked = _run(shared, "check", "vault")
    assert (checked.returncode, checked.stdout.split("Checked")[0]) == (0, LOOPS)


DANGLING = ("vault/ALS.md:3: warning: image 'x.png' is a link to a file that is not there; "
            "it is not packed\n"
            "  hint: remove the link, or restore the file it points to\n"
            "vault/d.md: warning: note is a link to a file that is not there; skipped\n"
            "  hint: remove the link, or restore the file it points to\n")


def test_a_link_to_a_missing_file_is_a_warning_not_an_error(shared: Path) -> None:
    vault = _vault(shared, {"ALS.md": ALS})
    first = _run(shared, "build", "vault", "-o", "d.apkg")
    assert first.returncode == 0 and "not found" in first.stderr
    (vault / "d.md").symlink_to("nonexist.md")
    (vault / "x.png").symlink_to("gone/x.png")
    built = _run(shared, "build", "vault", "-o", "d.apkg")  # the new links are a change
    assert (built.returncode, built.stderr) == (0, DANGLING)
    assert built.stdout.startswith("vault → d.apkg: no card changed")
    imported, media = _imported(shared / "d.apkg", shared / "anki")
    assert len(imported.cards) == 2 and media == []
    checked = _run(shared, "check", "vault")
    assert (checked.returncode, checked.stdout.split("Checked")[0]) == (0, DANGLING)
    quiz = _run(shared, "quiz", "vault", "--state", "s.sqlite3")
    assert quiz.returncode == 0, quiz.stderr
    assert DANGLING + "Read vault: 2 cards (2 added)\n" in quiz.stderr


# Sizes that read differently --------------------------------------------------------------

def test_a_note_over_the_size_limit_says_its_size_and_the_limit_apart(shared: Path) -> None:
    vault = _vault(shared, {"ALS.md": ALS, "x.png": PNG,
                            "big.md": "- ==filler== line\n" * (17 * 1024 * 1024 // 36)})
    with (vault / "limit.md").open("wb") as f:  # a byte over the limit
        f.write(b"a" * (8 * 1024 * 1024 + 1))
    built = _run(shared, "build", "vault", "-o", "d.apkg")
    assert (built.returncode, built.stderr) == (0, (
        "vault/big.md: warning: note is 8.5 MB, over the 8 MB limit; skipped\n"
        "  hint: split it into smaller notes\n"
        "vault/limit.md: warning: note is 8,388,609 bytes, over the 8 MB limit "
        "(8,388,608 bytes); skipped\n"
        "  hint: split it into smaller notes\n"))
    assert len(_imported(shared / "d.apkg", shared / "anki")[0].cards) == 2


# Settings that are not UTF-8 --------------------------------------------------------------

def test_plugin_settings_that_are_not_utf8_are_said_so_without_a_python_name(
        shared: Path) -> None:
    vault = _vault(shared, {"ALS.md": ALS, "x.png": PNG,
                            ".obsidian/plugins/obsidian-spaced-repetition/data.json":
                            b'\xff\xfe{"settings": {}}'})
    built = _run(shared, "build", "vault", "-o", "d.apkg")
    assert (built.returncode, built.stderr) == (0, (
        "vault/.obsidian/plugins/obsidian-spaced-repetition/data.json: warning: "
        "obsidian-spaced-repetition settings: cannot read it (not UTF-8 text)\n"
        "  hint: fix it, or change a setting on the plugin's settings page in Obsidian, which "
        "writes it again; until then its defaults are used: ::, :::, ?, ?? and notes tagged "
        "#flashcards\n"))
    assert len(_imported(shared / "d.apkg", shared / "anki")[0].cards) == 2
    (vault / "decks").mkdir()
    (vault / "decks/neuro.yaml").write_bytes(b"name: Neuro\xff\nnotes: ..\n")
    in_decks = subprocess.run([_highyield(), "build"], cwd=vault, env=_env(shared),
                              capture_output=True, text=True, timeout=TIMEOUT,
                              stdin=subprocess.DEVNULL)
    assert (in_decks.returncode, in_decks.stderr) == (2, (
        "error: decks/neuro.yaml: cannot read deck definition: not UTF-8 text\n"
        "  hint: check that the file exists and is UTF-8 text\n"))
