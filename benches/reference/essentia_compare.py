#!/usr/bin/env python3
"""The bot's song analysis beside an established analyser's, on the same files (issue #20).

    python3 benches/reference/essentia_compare.py [--set DIR]

Writes the bench's test set (tests/common/songs.rs) as WAV files with its truths and the bot's
answers (`BENCH_ONLY=analysis BENCH_WRITE_SET=DIR cargo bench --locked --bench engine`; with
--set DIR holding them already, that step is skipped), runs essentia's RhythmExtractor2013
(multifeature) and KeyExtractor on each file, and prints one Markdown table: per category, tempo
within 4 % (of either half's tempo for a tempo change halfway), octave errors (right at double
or half speed) and key right, bot / essentia. essentia is installed from PyPI into a venv of its
own (target/essentia-venv); it is never linked into the bot, and CI does not run this.
"""

import csv
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV = os.path.join(ROOT, "target", "essentia-venv")
ESSENTIA = "essentia==2.1b6.dev1389"
TOLERANCE = 0.04
# essentia's key names, sharps and flats, to pitch classes (0 = C).
PITCH = {
    name: pc
    for pc, names in enumerate(
        [["C", "B#"], ["C#", "Db"], ["D"], ["D#", "Eb"], ["E", "Fb"], ["F", "E#"],
         ["F#", "Gb"], ["G"], ["G#", "Ab"], ["A"], ["A#", "Bb"], ["B", "Cb"]]
    )
    for name in names
}


def in_venv():
    """Re-runs this script under the venv's Python, made and filled first when missing."""
    python = os.path.join(VENV, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", ESSENTIA], check=True)
    os.execv(python, [python, *sys.argv])


def write_set(directory):
    env = dict(os.environ, BENCH_ONLY="analysis", BENCH_WRITE_SET=directory)
    # The bench exits 1 when a target is missed; the files are written all the same.
    # Its own table goes to standard error, so that standard output is the comparison alone.
    subprocess.run(
        ["cargo", "bench", "--locked", "--bench", "engine"], cwd=ROOT, env=env, stdout=sys.stderr
    )
    if not os.path.exists(os.path.join(directory, "truths.csv")):
        sys.exit("the bench wrote no truths.csv")


def number(text):
    return float(text) if text else None


def tempo_right(row, bpm):
    truths = [t for t in (number(row["bpm"]), number(row["then_bpm"])) if t]
    return bpm is not None and any(abs(bpm / t - 1) <= TOLERANCE for t in truths)


def octave_error(row, bpm):
    return (
        bpm is not None
        and not tempo_right(row, bpm)
        and any(tempo_right(row, bpm * f) for f in (2.0, 0.5))
    )


def key_right(row, tonic, minor):
    return row["key_tonic"] != "" and (row["key_tonic"], row["key_minor"]) == (tonic, minor)


def essentia_heard(path):
    import essentia.standard as es

    audio = es.MonoLoader(filename=path, sampleRate=44100)()
    bpm = float(es.RhythmExtractor2013(method="multifeature")(audio)[0])
    key, scale, _strength = es.KeyExtractor()(audio)
    return (bpm if bpm > 0 else None), str(PITCH[key]), scale


def main():
    in_venv()
    args = sys.argv[1:]
    if args[:1] == ["--set"] and len(args) == 2:
        directory = os.path.abspath(args[1])
    else:
        directory = tempfile.mkdtemp(prefix="mvb-set-")
        write_set(directory)
    with open(os.path.join(directory, "truths.csv")) as f:
        rows = list(csv.DictReader(f))
    tallies = {}
    for row in rows:
        e_bpm, e_tonic, e_minor = essentia_heard(os.path.join(directory, row["name"] + ".wav"))
        b_bpm = number(row["bot_bpm"])
        heard = {
            "bot": (b_bpm, row["bot_key_tonic"], row["bot_key_minor"]),
            "essentia": (e_bpm, e_tonic, e_minor),
        }
        for category in (row["category"], "whole set"):
            t = tallies.setdefault(category, Tally())
            t.add(row, heard)
        print(f"{row['name']}: bot {b_bpm} {row['bot_key_tonic']} {row['bot_key_minor']}; "
              f"essentia {e_bpm and round(e_bpm, 2)} {e_tonic} {e_minor}", file=sys.stderr)
    # The whole set last.
    tallies["whole set"] = tallies.pop("whole set")
    print("| material | files | tempo within 4 %, bot / essentia | octave errors, bot / essentia "
          "| key right, bot / essentia | a key told where there is none, bot / essentia |")
    print("|---|---|---|---|---|---|")
    for category, t in tallies.items():
        print(f"| {category} | {t.files} | {t.cell('tempo', t.tempo)} | {t.cell('octave')} "
              f"| {t.cell('key', t.key)} | {t.cell('false_key', t.keyless)} |")


class Tally:
    """How one category (or the whole set) was heard, by the bot and by essentia."""

    def __init__(self):
        self.files = self.tempo = self.key = self.keyless = 0
        self.counts = {who: dict(tempo=0, octave=0, key=0, false_key=0) for who in WHO}

    def add(self, row, heard):
        self.files += 1
        has_tempo, has_key = bool(row["bpm"]), row["key_tonic"] != ""
        self.tempo += has_tempo
        self.key += has_key
        self.keyless += not has_key
        for who, (bpm, tonic, minor) in heard.items():
            c = self.counts[who]
            if has_tempo:
                c["tempo"] += tempo_right(row, bpm)
                c["octave"] += octave_error(row, bpm)
            c["key"] += key_right(row, tonic, minor)
            c["false_key"] += not has_key and tonic != ""

    def cell(self, what, of=None):
        if of == 0 or (what == "octave" and self.tempo == 0):
            return "—"
        values = [str(self.counts[who][what]) + (f"/{of}" if of else "") for who in WHO]
        return " / ".join(values)


WHO = ("bot", "essentia")

if __name__ == "__main__":
    main()
