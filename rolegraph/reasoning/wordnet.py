"""WordNet 3.0 as canonicalization reads it: each word's senses in frequency order, and base forms.

The data is Debian's `wordnet-base` (installed at set-up by `make setup`; the Dockerfile installs it too),
read from ``/usr/share/wordnet`` or ``$ROLEGRAPH_WORDNET_DIR``. Only the index files and the exception
lists are parsed (about a second, once per process): a sense is named by its synset's offset and part of
speech, so two words share a sense exactly when they are listed in the same synset. A noun sense's own
line of ``data.noun`` is read when it is asked about (its lexicographer file, its direct hypernyms, the
verbs it derives from), once per sense.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rolegraph.errors import ConfigError

DEFAULT_DIR = "/usr/share/wordnet"
_POS = {"noun": "n", "adj": "a"}
_NOUN_PERSON = 18
_NOUN_GROUP = 14
# regular inflections tried in order when a word is not a lemma itself (WordNet's own "morphy" rules)
_NOUN_SUFFIXES = (
    ("ves", "fe"),
    ("ves", "f"),
    ("ses", "s"),
    ("xes", "x"),
    ("zes", "z"),
    ("ches", "ch"),
    ("shes", "sh"),
    ("men", "man"),
    ("ies", "y"),
    ("s", ""),
)
_ADJ_SUFFIXES = (("er", ""), ("est", ""), ("er", "e"), ("est", "e"))


@dataclass(frozen=True)
class WordNet:
    """Senses per lemma and part of speech ("n", "a"), most frequent first, and the irregular forms."""

    senses: dict[str, dict[str, tuple[str, ...]]]  # pos → lemma (words joined by spaces) → sense ids
    exceptions: dict[str, dict[str, str]]  # pos → inflected form → lemma
    tagged: dict[str, dict[str, int]]  # pos → lemma → how often its senses were tagged in WordNet's corpus
    root: Path

    def lemma(self, word: str, pos: str) -> str | None:
        """The base form of ``word`` listed under ``pos``, else None. A plural noun goes to its singular
        even when the plural is listed too ("comics" → comic), so a group's name reads as its members."""
        table = self.senses[pos]
        irregular = self.exceptions[pos].get(word)
        if irregular is not None and irregular in table and " " not in irregular:
            return irregular
        for suffix, repl in _NOUN_SUFFIXES if pos == "n" else _ADJ_SUFFIXES:
            if word.endswith(suffix) and len(word) > len(suffix) + 1:
                base = word[: -len(suffix)] + repl
                if base in table:
                    return base
                irregular = self.exceptions[pos].get(base)  # "childrens" (a possessive) → child
                if irregular is not None and irregular in table:
                    return irregular
        return word if word in table else None

    def synsets(self, lemma: str, pos: str) -> tuple[str, ...]:
        """The senses of a lemma under ``pos``, most frequent first (empty when it is not listed)."""
        return self.senses[pos].get(lemma, ())

    def usual_pos(self, noun: str | None, adjective: str | None) -> str | None:
        """ "n" or "a": the part of speech a word is more often used as (given its base form under each;
        ties go to the noun); None when it is neither."""
        if noun is None or adjective is None:
            return "n" if noun else "a" if adjective else None
        return "a" if self.tagged["a"].get(adjective, 0) > self.tagged["n"].get(noun, 0) else "n"

    def is_person(self, sense: str) -> bool:
        """True when a noun sense names people (WordNet's lexicographer file noun.person)."""
        return sense.startswith("n") and _noun_entry(self.root, int(sense[1:])).lexfile == _NOUN_PERSON

    def hypernyms(self, sense: str) -> frozenset[str]:
        """The direct hypernyms of a noun sense ("hobbyist" → "amateur"); empty for other senses."""
        return _noun_entry(self.root, int(sense[1:])).hypernyms if sense.startswith("n") else frozenset()

    def verbs(self, sense: str) -> frozenset[str]:
        """The verb senses a noun sense is derivationally related to ("reader" → "read"): the activity an
        agent noun names; empty for other senses."""
        return _noun_entry(self.root, int(sense[1:])).verbs if sense.startswith("n") else frozenset()

    def antonyms(self, sense: str) -> frozenset[str]:
        """The noun senses a noun sense is the opposite of ("employer" → "employee"); empty for others."""
        return _noun_entry(self.root, int(sense[1:])).antonyms if sense.startswith("n") else frozenset()

    def is_group(self, sense: str) -> bool:
        """True when a noun sense names a group (WordNet's noun.group: family, audience, the elderly)."""
        return sense.startswith("n") and _noun_entry(self.root, int(sense[1:])).lexfile == _NOUN_GROUP

    def has_phrase(self, phrase: str) -> bool:
        """True when a several-word phrase ("science fiction") is a noun or adjective lemma."""
        return any(phrase in self.senses[pos] for pos in self.senses)


def wordnet_dir() -> Path:
    """Where the WordNet files are: ``$ROLEGRAPH_WORDNET_DIR`` or Debian's place for them."""
    return Path(os.environ.get("ROLEGRAPH_WORDNET_DIR") or DEFAULT_DIR)


@cache
def load_wordnet(root: Path | None = None) -> WordNet:
    """Reads the noun and adjective indexes, exception lists and sense counts once per process; raises
    ConfigError when the files are missing (install Debian's `wordnet-base`, or run `make setup`)."""
    root = root or wordnet_dir()
    try:
        senses = {pos: _read_index(root / f"index.{name}", pos) for name, pos in _POS.items()}
        exceptions = {pos: _read_exceptions(root / f"{name}.exc") for name, pos in _POS.items()}
        tagged = _read_counts(root / "cntlist.rev")
    except FileNotFoundError as e:
        raise ConfigError(
            f"WordNet is not installed ({e.filename} is missing): run `make setup` or "
            "`apt-get install wordnet-base`, or set ROLEGRAPH_WORDNET_DIR to a WordNet 3.0 dict folder"
        ) from e
    return WordNet(senses, exceptions, tagged, root)


@dataclass(frozen=True)
class _NounEntry:
    """What canonicalization reads of a noun synset's line in data.noun."""

    lexfile: int
    hypernyms: frozenset[str]  # sense ids of its direct hypernyms (not instance hypernyms)
    verbs: frozenset[str]  # verb sense ids it is derivationally related to
    antonyms: frozenset[str]  # noun sense ids one of its words is the opposite of


@cache
def _noun_entry(root: Path, offset: int) -> _NounEntry:
    """The noun synset at ``offset`` (the byte offset of its line in data.noun). A line reads: offset
    lex_filenum ss_type w_cnt (word lex_id)×w_cnt p_cnt (symbol offset pos source/target)×p_cnt … | gloss,
    w_cnt in hexadecimal; "@" is a hypernym, "+" a derivationally related form, "!" an antonym."""
    with (root / "data.noun").open("rb") as fh:
        fh.seek(offset)
        fields = fh.readline().decode("utf-8").split(" | ", 1)[0].split()
    at = 4 + 2 * int(fields[3], 16)
    pointers = [fields[at + 1 + 4 * i : at + 5 + 4 * i] for i in range(int(fields[at]))]
    hypernyms = frozenset(f"n{off}" for symbol, off, pos, _ in pointers if symbol == "@" and pos == "n")
    verbs = frozenset(f"v{off}" for symbol, off, pos, _ in pointers if symbol == "+" and pos == "v")
    antonyms = frozenset(f"n{off}" for symbol, off, pos, _ in pointers if symbol == "!" and pos == "n")
    return _NounEntry(int(fields[1]), hypernyms, verbs, antonyms)


def _read_index(path: Path, pos: str) -> dict[str, tuple[str, ...]]:
    """lemma → sense ids from one index file (lines: lemma pos synset_cnt p_cnt ptrs… sense_cnt tagsense_cnt
    offsets…, the offsets being the last synset_cnt fields)."""
    table: dict[str, tuple[str, ...]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith(" "):  # the licence header
                continue
            fields = line.split()
            count = int(fields[2])
            table[fields[0].replace("_", " ")] = tuple(f"{pos}{offset}" for offset in fields[-count:])
    return table


def _read_counts(path: Path) -> dict[str, dict[str, int]]:
    """pos → lemma → tag count summed over its senses, from cntlist.rev (lines: sense_key sense_number
    count, the key being lemma%ss_type:…, ss_type 1 noun, 3 adjective, 5 adjective satellite)."""
    counts: dict[str, dict[str, int]] = {"n": {}, "a": {}}
    kinds = {"1": "n", "3": "a", "5": "a"}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            key, _, count = line.split()
            lemma, _, rest = key.partition("%")
            pos = kinds.get(rest[:1])
            if pos is not None:
                table = counts[pos]
                word = lemma.replace("_", " ")
                table[word] = table.get(word, 0) + int(count)
    return counts


def _read_exceptions(path: Path) -> dict[str, str]:
    """Irregular inflected form → its first base form (children → child)."""
    table: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            fields = line.split()
            if len(fields) >= 2:
                table.setdefault(fields[0].replace("_", " "), fields[1].replace("_", " "))
    return table
