"""Name resolution: what a user types (exact, alias, left-out 区, substring,
pinyin, initials) -> the one canonical name it means, or a Chinese error with
a suggestion. Pure; ``pypinyin`` is imported only when a query holds Latin letters.
May import: errors. Imported by: directory.index.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

from xatrack.errors import InputError

PERSON = "个人"
POST = "职务"  # a post (常务副区长), optionally with a known holder
COLLECTIVE = "集体"  # a collective (区政府班子成员) with members
LEADER_TYPES = (PERSON, POST, COLLECTIVE)

MAX_CANDIDATES = 5  # candidates named in an ambiguity message
# Leading parts of a name a user may leave out (科经局 for 区科经局, kjj for 区科经局): the levels of
# government, any county's; a tracker adds its own places (units.yaml ``prefixes:``, written by init
# from the plan's issuer: 咸安区人民政府办公室 -> 咸安区, 咸安).
GENERIC_PREFIXES = ("区", "县", "市", "州", "旗", "盟", "省")
_LEVEL = re.compile(r"([\u4e00-\u9fff]{2,6}?)(省|自治区|市|自治州|州|盟|县|自治县|旗|区)")
_LATIN = re.compile(r"[a-z]")


def local_prefixes(issuer: str) -> tuple[str, ...]:
    """The places an issuer names, longest first: 咸宁市咸安区人民政府办公室 -> 咸宁市, 咸安区, 咸宁, 咸安."""
    found: list[str] = []
    text = (issuer or "").strip()
    while True:
        match = _LEVEL.match(text)
        if not match or match.group(1).endswith(("人民", "政府")):
            break
        found += [match.group(0), match.group(1)]
        text = text[match.end():]
    return tuple(sorted(dict.fromkeys(found), key=len, reverse=True))


def normalize_name(name: object) -> str:
    """The form names are compared in: NFKC (full-width brackets and letters
    become ASCII), no whitespace, Latin letters lower-cased."""
    return "".join(unicodedata.normalize("NFKC", str(name)).split()).lower()


# ---------------------------------------------------------------- resolution


def resolve(query: str, pool: list[tuple[str, str]], kind: str, cache: dict,
             prefixes: tuple[str, ...] = GENERIC_PREFIXES) -> str:
    """(surface name, canonical) pairs -> the canonical name the query means; ``prefixes``: the leading
    parts a user may leave out, the tracker's own places first."""
    text = (query or "").strip()
    key = normalize_name(text)
    if not key:
        raise InputError(f"{kind}名称不能为空")
    pool = [(s, c) for s, c in pool if normalize_name(s)]

    # 1. exact (also with a left-out leading level: 科经局 -> 区科经局)
    for variant in (key, *(prefix + key for prefix in prefixes if len(prefix) == 1)):
        hits = _distinct(c for s, c in pool if normalize_name(s) == variant)
        if hits:
            return hits[0]
    # 2. substring of a name or alias
    hits = _distinct(c for s, c in pool if key in normalize_name(s))
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise InputError(_ambiguous(kind, text, hits))
    # 3. pinyin (full, initials, or mixed; tone-less)
    latin = bool(_LATIN.search(key))
    if latin:
        hits = _pinyin_hits(key, pool, cache, prefixes)
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise InputError(_ambiguous(kind, text, hits))
    # 4. nothing: suggest
    suggestion = _suggest(key, pool, cache, latin, prefixes)
    if suggestion:
        raise InputError(f'没有找到{kind}"{text}",是否为"{suggestion}"?')
    raise InputError(f'没有找到{kind}"{text}"')


def _distinct(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


def _ambiguous(kind: str, text: str, hits: list[str]) -> str:
    shown = "、".join(hits[:MAX_CANDIDATES])
    more = f"等{len(hits)}个" if len(hits) > MAX_CANDIDATES else ""
    return f'{kind}"{text}"有多个匹配:{shown}{more},请输入更完整的名称'


def _syllables(name: str, cache: dict) -> tuple[str, ...]:
    """Tone-less pinyin syllables of a name (non-Chinese runs kept as lower-case chunks)."""
    found = cache.get(name)
    if found is None:
        from pypinyin import lazy_pinyin  # lazy: heavy - pypinyin costs 0.4 s, only for Latin queries

        chunks = (re.sub(r"[^a-z0-9]", "", c.lower()) for c in lazy_pinyin(name))
        found = tuple(c for c in chunks if c)
        cache[name] = found
    return found


def _starts(name: str, syllables: tuple[str, ...], prefixes: tuple[str, ...] = GENERIC_PREFIXES) -> tuple[int, ...]:
    """Syllable positions where the name 'starts' (0, and after 区/市/a place of the tracker's …)."""
    starts = [0]
    for prefix in prefixes:
        if name.startswith(prefix) and len(name) > len(prefix):
            starts.append(len(prefix))
    return tuple(s for s in starts if s < len(syllables))


def _consumes(q: str, syllables: tuple[str, ...], start: int) -> bool:
    """Can q be spelled by a non-empty prefix of each syllable from ``start`` on?

    Covers full pinyin (guihua), initials (kjj), and mixes (kejingj, hongsy).
    """
    memo: dict[tuple[int, int], bool] = {}

    def rec(pos: int, i: int) -> bool:
        if pos == len(q):
            return True
        if i >= len(syllables):
            return False
        if (pos, i) in memo:
            return memo[pos, i]
        s = syllables[i]
        result = False
        for n in range(min(len(s), len(q) - pos), 0, -1):
            if q[pos : pos + n] == s[:n] and rec(pos + n, i + 1):
                result = True
                break
        memo[pos, i] = result
        return result

    return rec(0, start)


def _pinyin_tier(q: str, name: str, cache: dict, prefixes: tuple[str, ...] = GENERIC_PREFIXES) -> int | None:
    """0: the whole name's full pinyin (a leading 区 may be left out);
    1: from the start of the name (initials, full, mixed); 2: from inside the
    name; None: no match.

    Exact initials are deliberately not tier 0: ``ch`` is 陈浩's initials but
    also the start of 程文敏 and 常务副区长, so it must stay ambiguous.
    """
    syl = _syllables(name, cache)
    if not syl:
        return None
    starts = _starts(name, syl, prefixes)
    if any(q == "".join(syl[s:]) for s in starts):
        return 0
    if any(_consumes(q, syl, s) for s in starts):
        return 1
    if any(_consumes(q, syl, s) for s in range(len(syl))):
        return 2
    return None


def _pinyin_hits(key: str, pool: list[tuple[str, str]], cache: dict, prefixes: tuple[str, ...] = GENERIC_PREFIXES) -> list[str]:
    q = _latin_key(key, cache)
    if not q:
        return []
    best: dict[str, int] = {}
    for surface, canonical in pool:
        tier = _pinyin_tier(q, surface, cache, prefixes)
        if tier is not None and tier < best.get(canonical, 99):
            best[canonical] = tier
    if not best:
        return []
    top = min(best.values())
    return [c for c, t in best.items() if t == top]


def _latin_key(key: str, cache: dict) -> str:
    """A query with Latin letters as plain lower-case letters (any Chinese in it spelled out)."""
    if re.fullmatch(r"[a-z0-9' ]*", key):
        return re.sub(r"[^a-z0-9]", "", key)
    return "".join(_syllables(key, cache))


def _suggest(key: str, pool: list[tuple[str, str]], cache: dict, latin: bool,
             prefixes: tuple[str, ...] = GENERIC_PREFIXES) -> str | None:
    best, best_score = None, 0.0
    for surface, _canonical in pool:
        if latin:
            syl = _syllables(surface, cache)
            q = _latin_key(key, cache)
            forms = ["".join(syl[s:]) for s in _starts(surface, syl, prefixes)]
            forms += ["".join(x[0] for x in syl[s:]) for s in _starts(surface, syl, prefixes)]
            score = max((difflib.SequenceMatcher(None, q, f).ratio() for f in forms), default=0.0)
            cutoff = 0.7
        else:
            target = normalize_name(surface)
            score = max(difflib.SequenceMatcher(None, k, target).ratio() for k in (key, prefixes[0] + key if prefixes else key))
            cutoff = 0.6
        if score >= cutoff and score > best_score:
            best, best_score = surface, score
    return best
