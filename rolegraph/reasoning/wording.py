"""What a tag's words say, for deciding whether two tags name one group of people.

A key ("parents of young kids") is read into units — words, or phrases WordNet or the domain list knows
("science fiction") — each with a sense: a group of the domain list (`words.txt`), else WordNet's most
frequent sense of its base form (nouns first for the last word of a phrase, adjectives first before
it), else the word itself. Articles and conjunctions are dropped; a preposition ties what follows to
the word before, and when what follows names people ("parents of *teens*") its units are marked as
linked, so "teen parents" stays apart while "fans of jazz" reads as "jazz fans".

Two keys with the same multiset of senses mean the same (`Wording.meaning`): word order, function
words, inflection, spelling variants and synonyms aside. When they differ, `difference` tells which
units each has that the other lacks, and `related` whether a unit could stand for another — the
near-synonyms a close embedding may merge: the usual sense of one is a sense of the other, unless the
other's usual sense names people by another activity (WordNet derives "student" from *study*, "player"
from *play a game*, "reader" from *read*; scholars, musicians and reviewers are not their usual
senses), or both name people by one activity ("newcomer" and "beginner" both derive from *begin*) — but
never a phrase and a word it contains when the phrase's other words narrow it ("love life" / "love"), rather
than name the kind of thing it is ("rock music" / "rock").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from rolegraph.reasoning.wordnet import WordNet, load_wordnet

WORDS_FILE = Path(__file__).with_name("words.txt")
RELATED_SENSES = 3  # how many of a word's senses may make it a near-synonym of another
_MAX_PHRASE = 4  # longest phrase looked up, in words
# British → American spellings tried first (colour → color, organiser → organizer, travelling → traveling)
_SPELLINGS = (("our", "or"), ("ise", "ize"), ("isation", "ization"), ("tre", "ter"), ("ll", "l"))
_CONJUNCTIONS = frozenset({"and", "or", "plus", "etc"})


@dataclass(frozen=True)
class Unit:
    """A word or known phrase of a key, with what it means."""

    text: str
    sense: str  # "d:<group>", a WordNet sense id ("n10077593"), or "w:<word>"
    related: frozenset[str]  # senses it may stand for (itself and WordNet's first few)
    senses: frozenset[str] = frozenset()  # every sense WordNet lists for it
    linked: bool = False  # tied by a preposition to a people word before it
    head: bool = False  # the word the name is about ("fans" in "jazz fans" and in "fans of jazz")

    @property
    def meaning(self) -> str:
        return ("^" if self.head else "") + ("~" if self.linked else "") + self.sense


@dataclass(frozen=True)
class Wording:
    """A key read into units."""

    key: str
    units: tuple[Unit, ...]
    plain: tuple[str, ...] = ()  # the meaning read word by word, without WordNet's phrases

    @property
    def meaning(self) -> tuple[str, ...]:
        """The sorted senses of the units, the head's marked: equal for keys that say the same thing."""
        return tuple(sorted(u.meaning for u in self.units))

    def same(self, other: Wording) -> bool:
        """True when both say the same thing, read with WordNet's phrases ("bird watchers" = "birders")
        or word by word ("the vietnam war" = "the war in vietnam")."""
        return self.meaning == other.meaning or (bool(self.plain) and self.plain == other.plain)


@dataclass(frozen=True)
class DomainWords:
    """The domain list: synonym groups, words dropped, linking prepositions, people words."""

    same: dict[str, str]  # phrase → group name
    drop: frozenset[str]
    fillers: tuple[tuple[str, ...], ...]
    link: frozenset[str]
    person: frozenset[str]
    rewrites: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]  # (pattern, form), both without the *


def read_domain_words(path: Path = WORDS_FILE) -> DomainWords:
    """Parses `words.txt` (see its header)."""
    same: dict[str, str] = {}
    drop: set[str] = set()
    phrases: list[tuple[str, ...]] = []
    link: set[str] = set()
    person: set[str] = set()
    rewrites: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        kind, _, rest = line.partition(":")
        if kind == "same":
            names = [n.strip() for n in rest.split("=") if n.strip()]
            same.update((n, names[0]) for n in names)
        elif kind == "filler":
            phrases.append(tuple(rest.split()))
        elif kind == "drop":
            drop.update(rest.split())
        elif kind == "link":
            link.update(rest.split())
        elif kind == "person":
            person.update(rest.split())
        elif kind == "rewrite":
            pattern, _, form = rest.partition("=")
            rewrites.append((tuple(pattern.split()[:-1]), tuple(form.split()[1:])))
        else:
            raise ValueError(f"{path.name}: unknown line {raw!r}")
    return DomainWords(same, frozenset(drop), tuple(phrases), frozenset(link), frozenset(person), tuple(rewrites))


class Lexicon:
    """Reads keys into `Wording`s with WordNet and the domain list (words are looked up once)."""

    def __init__(self, wordnet: WordNet, domain: DomainWords):
        self.wordnet = wordnet
        self.domain = domain
        self._units: dict[str, Unit] = {}
        self._cache: dict[str, Wording] = {}

    def read(self, key: str) -> Wording:
        """The wording of a normalized key (see the module docstring)."""
        found = self._cache.get(key)
        if found is None:
            plain = tuple(sorted(u.meaning for u in self._units_of(key, phrases=False)))
            found = Wording(key, tuple(self._units_of(key)), plain)
            if len(self._cache) < 1_000_000:
                self._cache[key] = found
        return found

    def related(self, a: Unit, b: Unit) -> bool:
        """True when ``a`` could stand for ``b`` in the same place of the name: another form of it (the same
        stem and one of WordNet's first few senses in common: "dance" / "dancing"); a synonym in one of its
        senses (the usual sense of one is a sense of the other: "birder" / "bird watcher", "firemen" /
        "firefighters") unless that sense names another activity (`_stands_for`); or an agent of the
        same activity (`_same_activity`: "newcomers" / "beginners" both begin)."""
        if a.linked != b.linked or a.head != b.head:
            return False
        if a.sense == b.sense or self._same_activity(a, b):
            return True
        if not (self._qualifies(a, b) and self._qualifies(b, a)):
            return False
        if (b.sense in a.senses and self._stands_for(a, b.sense)) or (
            a.sense in b.senses and self._stands_for(b, a.sense)
        ):
            return True
        return _same_stem(a.text, b.text) and bool(a.related & b.related)

    def _qualifies(self, phrase: Unit, word: Unit) -> bool:
        """False when ``phrase`` contains ``word`` and adds a word that does more than name what kind of thing
        the phrase is: "love life" narrows love and "survival of the fittest" survival (their usual senses
        differ, though WordNet lists each phrase as a rare sense of the word), while "rock music" only says
        that the rock meant is music (a hypernym of the phrase's sense)."""
        if not _contains(phrase.text, word.text):
            return True
        wn = self.wordnet
        skip = self.domain.drop | self.domain.link
        extra = [w for w in phrase.text.split() if w not in word.text.split() and w not in skip]
        above = self._ancestors(phrase.sense)
        return bool(extra) and all(set(wn.synsets(self._base(w, "n") or w, "n")) & above for w in extra)

    def _ancestors(self, sense: str, depth: int = 8) -> frozenset[str]:
        """The noun senses above ``sense`` in WordNet's hypernym tree, up to ``depth`` levels."""
        found: set[str] = set()
        level = {sense}
        for _ in range(depth):
            level = {h for s in level for h in self.wordnet.hypernyms(s)} - found
            found |= level
        return frozenset(found)

    def _stands_for(self, unit: Unit, sense: str) -> bool:
        """Whether ``unit``, usually meant in its own sense, may be read in ``sense`` (one of its others):
        not when its usual sense names people by an activity (a noun derived from a verb) that ``sense``
        does not name — a "student" studies, a scholar is learned; a "player" plays a game, a musician
        an instrument; a "reader" reads, a reviewer judges manuscripts — since a name uses a word in its
        usual sense."""
        wn = self.wordnet
        usual = wn.verbs(unit.sense) if wn.is_person(unit.sense) else frozenset()
        return not usual or bool(usual & wn.verbs(sense))

    def _same_activity(self, a: Unit, b: Unit) -> bool:
        """Whether the usual senses of both name people, are derived from one verb sense and are not its two opposite
        roles: agents of the same activity ("newcomer" and "beginner" both begin), which WordNet files
        as different synsets — but an "employer" employs and an "employee" is employed."""
        wn = self.wordnet
        if not (wn.is_person(a.sense) and wn.is_person(b.sense)):
            return False
        opposite = b.sense in wn.antonyms(a.sense) or a.sense in wn.antonyms(b.sense)
        return not opposite and bool(wn.verbs(a.sense) & wn.verbs(b.sense))

    def names_people(self, key: str) -> bool | None:
        """Whether a normalized key names a kind of person: True when its head word (or its first or last
        word: "people who …", "… enthusiast") names people or a group of them (the domain list, else
        WordNet's most frequent noun sense is in noun.person or noun.group); False when WordNet reads every
        head word as something else ("dental hygiene", "dogs", "romance"); None when it does not know them
        ("cinephiles") — the gate then gives the name the benefit of the doubt."""
        units = self.read(key).units
        if not units:
            return None
        ends = [u for i, u in enumerate(units) if u.head or i in (0, len(units) - 1)]
        if any(self._names_people(u) or self._names_group(u) for u in ends):
            return True
        heads = [u for u in units if u.head] or [units[-1]]
        return False if all(self._base(u.text, "n") for u in heads) else None

    # ------------------------------------------------------------------ reading
    def _units_of(self, key: str, phrases: bool = True) -> list[Unit]:
        """The units in order. The head is the last word before the first preposition ("fans" of "fans of
        jazz"); in a list ("love friendship and romance", the commas lost in the key) every item before
        it is a head, so the order of the items does not matter."""
        out: list[Unit] = []
        linking = False
        main: list[list[int]] = []  # positions of the units of each segment before the first preposition
        for after_link, texts in self._segments(self._tokens(key), phrases):
            linking = linking or after_link  # "parents of toddlers and teens": both are the parents' children
            units = [self._unit(t) for t in texts]
            if linking and any(self._names_people(u) for u in units):
                units = [replace(u, linked=True) for u in units]
            # a possessive that names people ("childrens films", the apostrophe gone) reads as "of children"
            units = [replace(u, linked=True) if self._possessive(u) else u for u in units]
            if not linking:
                main.append(list(range(len(out), len(out) + len(units))))
            out += units
        heads = [i for seg in main for i in seg] if len(main) > 1 else [main[0][-1]] if main else []
        for i in heads:
            out[i] = replace(out[i], head=True)
        return out

    def _tokens(self, key: str) -> list[str]:
        """Words of a key, a paraphrase rewritten; hyphenated words are split unless the domain list
        knows them whole."""
        out: list[str] = []
        for token in self._rewritten(key.split()):
            if "-" in token and not self._domain_group(token):
                out += [t for t in token.split("-") if t]
            else:
                out.append(token)
        return out

    def _rewritten(self, tokens: list[str]) -> list[str]:
        """ "people who love jazz" → jazz lover (the first rewrite whose pattern starts the name)."""
        if not tokens or self.domain.same.get(tokens[0]) != self.domain.same.get("people"):
            return tokens
        for pattern, form in self.domain.rewrites:
            n = len(pattern)
            if len(tokens) > n and tuple(tokens[1:n]) == pattern[1:]:
                return [*tokens[n:], *form]
        return tokens

    def _segments(self, tokens: list[str], phrases: bool = True) -> list[tuple[bool, list[str]]]:
        """Runs of units between conjunctions and prepositions: (starts after a preposition, texts)."""
        segments: list[tuple[bool, list[str]]] = [(False, [])]
        i = 0
        while i < len(tokens):
            skip = self._filler_at(tokens, i)
            if skip:
                i += skip
                continue
            token = tokens[i]
            if token in self.domain.link:
                segments.append((True, []))
                i += 1
            elif token in self.domain.drop:
                if token in _CONJUNCTIONS and segments[-1][1]:
                    segments.append((False, []))
                i += 1
            else:
                n, text = self._phrase_at(tokens, i, phrases)
                segments[-1][1].append(text)
                i += n
        return [(after_link, texts) for after_link, texts in segments if texts]

    def _filler_at(self, tokens: list[str], i: int) -> int:
        for phrase in self.domain.fillers:
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                return len(phrase)
        return 0

    def _phrase_at(self, tokens: list[str], i: int, phrases: bool = True) -> tuple[int, str]:
        """The longest phrase of the domain list or WordNet at ``i`` (its length in tokens and its text); two words
        that WordNet knows as one ("film makers" → filmmakers); else the word."""
        for n in range(min(_MAX_PHRASE, len(tokens) - i), 1, -1):
            text = " ".join(tokens[i : i + n])
            if any(self._domain_group(f) for f in self._forms(text)) or (phrases and self._base(text, "n")):
                return n, text
        if i + 1 < len(tokens) and self._base(tokens[i] + tokens[i + 1], "n"):
            return 2, tokens[i] + tokens[i + 1]
        return 1, tokens[i]

    def _base(self, text: str, pos: str) -> str | None:
        """WordNet's base form of a word, spelled the American way when WordNet knows that spelling; keys
        carry a rough singular on their last word ("spous" from "spouses"), so the plural is tried too
        when the word itself is unknown."""
        wn = self.wordnet
        for british, american in _SPELLINGS:
            if british in text:
                us = self._base(text.replace(british, american), pos)
                own = self._plain_base(text, pos)
                # one word in two spellings: the same senses ("tour" is not "tor")
                if us is not None and (own is None or wn.synsets(own, pos)[0] in wn.synsets(us, pos)):
                    return us
        return self._plain_base(text, pos)

    def _plain_base(self, text: str, pos: str) -> str | None:
        wn = self.wordnet
        if pos == "a":
            # "owner" is not a comparative of "own": an adjective read off a noun's ending does not count
            found = wn.lemma(text, "a")
            derived = found is not None and found != text and wn.exceptions["a"].get(text) != found
            return None if derived and self._base(text, "n") else found
        return wn.lemma(text, "n") or wn.lemma(text + "s", "n") or wn.lemma(text + "es", "n")

    def _forms(self, text: str) -> tuple[str, ...]:
        """The text and its base forms as a noun or an adjective."""
        forms = [text]
        for pos in ("n", "a"):
            base = self._base(text, pos)
            if base and base not in forms:
                forms.append(base)
        if text.endswith("s") and text[:-1] not in forms:
            forms.append(text[:-1])
        return tuple(forms)

    def _domain_group(self, text: str) -> str | None:
        return self.domain.same.get(text)

    def _unit(self, text: str) -> Unit:
        cached = self._units.get(text)
        if cached is None:
            cached = self._units[text] = self._look_up(text)
        return cached

    def _look_up(self, text: str) -> Unit:
        """A unit's sense: its domain group, else WordNet's first sense of its base form under the part of
        speech the word is more often used as (the same wherever it stands), else the word."""
        wn = self.wordnet
        bases = {pos: self._base(text, pos) for pos in ("n", "a")}
        listed = {pos: wn.synsets(base, pos) if base else () for pos, base in bases.items()}
        senses = [s for found in listed.values() for s in found[:RELATED_SENSES]]
        every = frozenset(s for found in listed.values() for s in found)
        for form in self._forms(text):
            group = self._domain_group(form)
            if group is not None:
                return Unit(text, f"d:{group}", frozenset([f"d:{group}", *senses]), every)
        pos = wn.usual_pos(bases["n"], bases["a"])
        if pos is not None:
            return Unit(text, listed[pos][0], frozenset(senses), every)
        compound = self._compound(text)
        if compound is not None:
            return replace(compound, text=text)
        word = text[:-1] if text.endswith("s") and len(text) > 3 else text
        return Unit(text, f"w:{word}", frozenset([f"w:{word}"]))

    def _compound(self, text: str) -> Unit | None:
        """A word WordNet does not list that it knows as two ("birdwatchers" → "bird watchers"), read as
        that phrase; None when no split is listed."""
        for i in range(3, len(text) - 2):
            phrase = f"{text[:i]} {text[i:]}"
            if self._base(phrase, "n") is not None:
                return self._look_up(phrase)
        return None

    def _possessive(self, unit: Unit) -> bool:
        plural = unit.text[:-1]
        return unit.text.endswith("s") and plural in self.wordnet.exceptions["n"] and self._names_people(unit)

    def _names_people(self, unit: Unit) -> bool:
        if any(f in self.domain.person for f in self._forms(unit.text)):
            return True
        base = self._base(unit.text, "n")
        return base is not None and self.wordnet.is_person(self.wordnet.synsets(base, "n")[0])

    def _names_group(self, unit: Unit) -> bool:
        base = self._base(unit.text, "n")
        return base is not None and self.wordnet.is_group(self.wordnet.synsets(base, "n")[0])


def _contains(phrase: str, word: str) -> bool:
    """True when ``phrase`` has more words than ``word`` and every word of ``word`` among them ("love life"
    and "love", "survival of the fittest" and "survival"): the phrase names a narrower thing than the word's usual
    sense, even where WordNet lists it as a rare sense of the word (love as love life, survival as natural
    selection)."""
    words = phrase.split()
    return len(words) > len(word.split()) and all(w in words for w in word.split())


def _same_stem(a: str, b: str) -> bool:
    """True when the words share a leading stem of at least 3 letters and 60 % of the shorter one."""
    common = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return common >= 3 and common >= 0.6 * min(len(a), len(b))


def difference(a: Wording, b: Wording) -> tuple[list[Unit], list[Unit]]:
    """The units of ``a`` whose sense ``b`` lacks, and those of ``b`` that ``a`` lacks (as multisets)."""
    left = Counter(u.meaning for u in a.units)
    right = Counter(u.meaning for u in b.units)
    only_a, only_b = left - right, right - left
    return _pick(a.units, only_a), _pick(b.units, only_b)


def _pick(units: tuple[Unit, ...], wanted: Counter[str]) -> list[Unit]:
    out = []
    left = Counter(wanted)
    for u in units:
        if left[u.meaning] > 0:
            out.append(u)
            left[u.meaning] -= 1
    return out


@cache
def default_lexicon() -> Lexicon:
    """WordNet (see `reasoning.wordnet`) and the packaged domain list, loaded once per process."""
    return Lexicon(load_wordnet(), read_domain_words())
