"""Who is the actor and who the partner: the words around each mention say which side it is on.

"from France" and "by the Indian Navy" mark the actor; "to Ukraine" and "with Japan" mark a partner;
"in", "at", "near" and "off" mark a place, which is a party only when the sentence names too few
others ("US troops in Japan", not "met the Chinese minister in Singapore"). A mention that owns the
people or things after it ("*Russian* troops", "the *US* lease", "the *Indian* defence advisers")
is the actor — except trainees named after the verb ("trained *Iraqi* soldiers"), who are the
partner's. Mentions joined by "and" share their mark. The subject is the actor, unless the verb
makes it the partner ("Egypt *bought*…": the rule is ``reversed``). Speakers ("…, Seoul said",
"according to UN panels") and adversaries ("against *Russian* attacks") are no parties at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span

ACTOR_MARKS = frozenset({"from", "by"})
PARTNER_MARKS = frozenset({"to", "into", "with", "for", "toward", "towards", "visited", "visit", "visiting"})
PLACE_MARKS = frozenset({"in", "at", "near", "off", "inside", "across", "outside", "on", "against", "over"})
_SKIP = frozenset(
    {"the", "its", "their", "a", "an", "both", "fellow", "neighbouring", "neighboring", "'s", "’s", "of"}
)
OWNED = frozenset(
    {
        "troops",
        "soldiers",
        "officers",
        "cadets",
        "personnel",
        "peacekeepers",
        "sailors",
        "airmen",
        "pilots",
        "marines",
        "delegation",
        "forces",
        "engineers",
        "students",
        "trainees",
        "units",
        "contingent",
        "police",
        "staff",
        "servicemen",
        "commandos",
        "medics",
        "recruits",
        "trainers",
        "instructors",
        "navy",
        "navies",
        "army",
        "armies",
        "air",
        "military",
        "militaries",
        "defence",
        "defense",
        "naval",
        "lease",
        "base",
        "bases",
        "attaché",
        "attachés",
        "attache",
        "attaches",
        "special",
        "cyber",
        "intelligence",
        "brigade",
        "battalion",
        "warships",
        "ships",
        "aircraft",
        "jets",
        "coast",
        "armed",
        "self",
        "-",
        "security",
    }
)
ENEMY = frozenset(
    {
        "intrusions",
        "malware",
        "hackers",
        "attacks",
        "aggression",
        "invasion",
        "threat",
        "threats",
        "build",
        "buildup",
        "offensive",
        "sanctions",
        "hacking",
        "interference",
        "border",
    }
)
SPEECH = frozenset({"said", "says", "reported", "announced", "told", "stated", "claimed"})
SUBORDINATE = frozenset(
    {"after", "as", "while", "because", "following", "amid", "when", "before", "which", "whose"}
)
"""Words that open a clause of its own: parties named after one, past the trigger, are context."""
FEATURES = frozenset(
    {
        "gulf",
        "sea",
        "bay",
        "strait",
        "straits",
        "coast",
        "port",
        "capital",
        "island",
        "islands",
        "south",
        "north",
        "east",
        "west",
        "shores",
        "waters",
        "border",
    }
)
"""Words of geography: "the Gulf *of Oman*", "the Sea *of Japan*" name places, not parties."""
PASSIVE_HOST = frozenset({"hosted", "received", "welcomed"})


@dataclass(frozen=True, slots=True)
class Seen:
    """How one party is mentioned: its mark, whether it owns what follows, where it stands."""

    mark: str  # "actor", "partner", "place" or ""
    owner: bool
    after_trigger: bool
    noise: bool  # a speaker, an adversary, a place name or a party of another clause
    joined: bool = False  # joined to the mention before by "and" or a comma


def _before(sent: Span, start: int) -> tuple[str, int]:
    """The first word before token ``start`` that is not an article or a possessive, and its index."""
    doc = sent.doc
    i = start - 1
    while i >= sent.start and doc[i].lower_ in _SKIP:
        i -= 1
    return (doc[i].lower_, i) if i >= sent.start else ("", i)


def clause_break(sent: Span, trigger: int) -> int:
    """The first token after the trigger that opens a clause of its own (the sentence's end if none)."""
    for tok in sent.doc[trigger : sent.end]:
        if tok.lower_ in SUBORDINATE and tok.i > trigger:
            return tok.i
    return sent.end


def seen(
    sent: Span, start: int, end: int, trigger: int, cut: int, previous: Seen | None, prev_end: int
) -> Seen:
    """How the mention at tokens ``start:end`` stands (``cut``: where the trigger's clause ends;
    ``previous``: the mention before it, ending at ``prev_end``, whose mark a joined one shares)."""
    doc = sent.doc
    word, i = _before(sent, start)
    after = [doc[j].lower_ for j in range(end, min(end + 6, sent.end))]
    owner = bool(after) and after[0] in OWNED
    enemy = any(w in ENEMY for w in after[:2]) or word == "against"
    speaker = (any(w in SPEECH for w in after[:4]) and (start > trigger or "that" in after)) or (
        word == "to" and i - 1 >= sent.start and doc[i - 1].lower_ == "according"
    )
    feature = start - 1 >= sent.start and doc[start - 1].lower_ == "of" and word in FEATURES
    noise = enemy or speaker or feature or start >= cut
    between = {doc[j].lower_ for j in range(prev_end, start)} - _SKIP
    joined = previous is not None and bool(between) and between <= {"and", ","}
    if joined and previous is not None:
        mark = previous.mark
    elif word in ACTOR_MARKS:
        host = i - 1 >= sent.start and doc[i - 1].lower_ in PASSIVE_HOST
        mark = "partner" if host else "actor"
    elif word in PARTNER_MARKS:
        mark = "partner"
    elif word in PLACE_MARKS:
        mark = "place"
    else:
        mark = ""
    return Seen(mark, owner, start > trigger, noise, joined)


def pairs(
    views: list[Seen],
    groups: list[bool],
    *,
    directed: bool,
    reversed: bool,
    trainees: bool,
    attache: bool,
    owners: bool,
) -> list[tuple[int, int]]:
    """(actor, partner) indices among the parties seen so (one entry per party, in order;
    ``groups`` says which are groups, ``owners`` whether owning marks the actor)."""
    views = _share_ownership(views)
    keep = _parties(views)
    if len(keep) < 2:
        return []
    if attache and (owned := [i for i in keep if views[i].owner]):
        return [(owned[0], i) for i in keep if i != owned[0]]
    # "…were trained by the Indian Navy": a by-phrase names the actor, whoever owns what
    owners = owners and not any(views[i].mark == "actor" for i in keep)
    actors, partners = _sides(views, keep, owners=owners, trainees=trainees)
    rest = [i for i in keep if i not in actors and i not in partners]
    if reversed and not actors and rest:
        partners.insert(0, rest.pop(0))
        actors.extend(rest)
    elif not actors and rest:
        first = rest.pop(0)
        tied = [i for i in rest if _joined(views, i)]
        actors += [first, *tied]
        partners += [i for i in rest if i not in tied]
    else:
        partners.extend(rest)
    if not partners:
        actors, partners = actors[:1], actors[1:]
    if not actors:
        actors, partners = partners[:1], partners[1:]
    if not directed and len(keep) >= 3 and any(groups[i] for i in keep):
        group = next(i for i in keep if groups[i])
        return [(i, group) for i in keep if i != group]
    return [(a, p) for a in actors for p in partners if a != p]


def _parties(views: list[Seen]) -> list[int]:
    """The mentions that are parties: without speakers, adversaries and other clauses' parties, and
    without places while two others remain."""
    keep = [i for i, v in enumerate(views) if not v.noise]
    if len(keep) < 2:
        keep = list(range(len(views)))
    placed = [i for i in keep if views[i].mark == "place"]
    if len(keep) - len(placed) >= 2:
        keep = [i for i in keep if views[i].mark != "place"]
    return keep


def _sides(
    views: list[Seen], keep: list[int], *, owners: bool, trainees: bool
) -> tuple[list[int], list[int]]:
    """Actors and partners that their marks or what they own decide."""
    actors: list[int] = []
    partners: list[int] = []
    for i in keep:
        v = views[i]
        owning = owners and v.owner
        if v.mark == "actor":
            actors.append(i)
        elif v.mark in ("partner", "place") or (owning and trainees and v.after_trigger):
            partners.append(i)
        elif owning and (not partners or not v.after_trigger):
            actors.append(i)
    return actors, partners


def _joined(views: list[Seen], other: int) -> bool:
    """Whether ``other`` stands with the subject (unmarked, before the trigger)."""
    return views[other].mark == "" and not views[other].after_trigger


def _share_ownership(views: list[Seen]) -> list[Seen]:
    """In "Australian and New Zealand troops" a mention joined to an owner owns with it."""
    out = list(views)
    for i in range(len(out) - 2, -1, -1):
        if out[i + 1].joined and out[i + 1].owner and not out[i].owner:
            v = out[i]
            out[i] = Seen(v.mark, True, v.after_trigger, v.noise, v.joined)
    return out
