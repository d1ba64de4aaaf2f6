"""The instrument lexicon: which words in a sentence signal which instrument, and which undo it.

Each `Rule` is a regular expression over one sentence with the instrument it signals, a weight,
whether its grammatical subject is the instrument's *partner* (``reversed``: "Vietnam *hosted* the
Chinese defence minister", "Egypt *bought* Rafales from France") and, for the verbs CAMEO codes, the
code — whose instrument and polarity come from `legation.instruments.CAMEO`, never restated here.
A sentence's instrument is the one with the highest total weight (ties go to the earlier name of
`PRIORITY`, the more specific instrument first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from legation.instruments import CAMEO

_D = r"defen[cs]e"
WEAPONS = (
    r"(fighter|jets?|aircraft|airplanes?|helicopters?|choppers?|tanks?|frigates?|submarines?|corvettes?|"
    r"destroyers?|warships?|vessels?|patrol (boats?|ships?)|missiles?|howitzers?|artillery|rifles?|guns?|"
    r"drones?|uavs?|radars?|air[- ]defen[cs]e|munitions|ammunition|rockets?|launchers?|armou?red vehicles?|"
    r"arms|weapons?|weaponry|military (equipment|hardware)|f-\d+s?|su-\d+s?|mig-\d+s?|j-\d+s?|rafales?|"
    r"gripens?|typhoons?|eurofighters?|patriots?|s-[34]00s?|himars|javelins?|stingers?|t-\d+s?|"
    r"leopards?|abrams|apaches?|black ?hawks?|bayraktars?|tb2s?|brahmos|c-130s?|p-8s?)"
)
MILITARY = (
    r"(militar(y|ies)|armed forces|army|armies|navy|navies|naval|air force|marines?|troops|soldiers|"
    r"sailors|airmen|servicemen|service members|personnel|forces|engineers|warships?|aircraft|c-130s?|"
    rf"helicopters?|hospital ship|field hospital|{_D}|coast guard|peacekeep\w*|battalions?|contingent|"
    r"officers|cadets|generals?|admirals?|commandos|special forces|seals|gendarmerie|police|recruits|"
    r"trainers|instructors|brigade|carrier|uss|hms|self-defen[cs]e forces)"
)


@dataclass(frozen=True, slots=True)
class Rule:
    """A pattern that signals ``instrument`` (or undoes it: ``polarity`` -1)."""

    instrument: str
    pattern: re.Pattern[str]
    weight: float = 1.0
    reversed: bool = False
    polarity: int = 1
    cameo: str | None = None


def _r(instrument: str, pattern: str, weight: float = 1.0, *, reversed: bool = False) -> Rule:
    return Rule(instrument, re.compile(pattern, re.IGNORECASE), weight, reversed)


def _cameo(code: str, pattern: str, weight: float = 1.5) -> Rule:
    inst, c = CAMEO[code]
    return Rule(inst.name, re.compile(pattern, re.IGNORECASE), weight, c.reversed, c.polarity, code)


CAMEO_RULES: tuple[Rule, ...] = (
    _cameo(
        "062", r"\bcooperat(e|ed|es|ing|ion) militarily\b|\bmilitary[- ]to[- ]military (ties|cooperation)\b"
    ),
    _cameo("1212", r"\b(reject|rejected|refused|rebuffed)\b[^.]{0,40}\bmilitary (cooperation|ties|talks)\b"),
    _cameo(
        "072",
        r"\b(provid|pledg|approv|grant|gave|give|send|sent|announc)\w*\b[^.]{0,60}"
        r"\bmilitary (aid|assistance)\b",
    ),
    _cameo(
        "1222",
        r"\b(reject|rejected|refused|denied|turned down)\b[^.]{0,40}\brequest\b[^.]{0,30}\bmilitary aid\b",
    ),
    _cameo(
        "1622",
        r"\b(suspend|suspended|cut|cuts|halt|halted|froze|freeze|frozen|withheld|withhold|stopp?ed|"
        r"ended|reduced|slashed)\b[^.]{0,60}\b(military|security|defen[cs]e) (aid|assistance|financing)\b",
        2.5,
    ),
    _cameo("064", r"\bshar(e|ed|es|ing) (of )?(intelligence|information on)\b|\bintelligence[- ]sharing\b"),
    _cameo("073", r"\bhumanitarian (aid|assistance|relief|supplies|mission)\b|\bdisaster relief\b"),
    _cameo(
        "1623",
        r"\b(suspend|suspended|halt|halted|ended|stopp?ed|withdr\w+)\b[^.]{0,40}\b(humanitarian|relief|"
        r"disaster)\b",
        2.0,
    ),
    _cameo("074", r"\bpeace ?keep\w*|\bblue helmets\b|\bpeace(keeping)? (operation|mission|force)s?\b"),
    _cameo("0861", r"\b(host(s|ed|ing)?|receiv\w+|welcom\w+|accept\w+)\b[^.]{0,40}\bpeacekeep\w*", 2.0),
    _cameo(
        "1661",
        r"\b(expel\w*|ordered|orders)\b[^.]{0,40}\bpeacekeep\w*|"
        r"\bpeacekeep\w*[^.]{0,40}\b(to leave|expelled)\b",
        3.0,
    ),
)
"""The CAMEO event codes `legation.instruments` maps, as the verbs news uses for them."""

RULES: tuple[Rule, ...] = (
    *CAMEO_RULES,
    _r(
        "alliance",
        r"\b(mutual[- ]defen[cs]e|collective[- ]defen[cs]e|non-aggression|military alliance|"
        r"security treaty|alliance treaty|treaty of alliance|joined (nato|the alliance|the csto)|"
        r"accession to (nato|the csto)|article (5|v)\b|mutual (security|assistance) treaty|"
        r"defensive alliance|formal alliance|treaty of (peace, )?friendship|friendship treaty|"
        r"treaty of mutual cooperation|security (obligations|guarantees?)|assist each other|"
        r"come to (each other's|the other's) (aid|defen[cs]e)|aggression against (either|one)|"
        r"nato('s)? \w+ member|member(ship)? of nato|nato membership|joined nato|became a member)\b",
        1.8,
    ),
    _r("alliance", r"\b(alliance|allies|allied)\b", 0.6),
    _r(
        "dca",
        rf"\b({_D} cooperation (agreement|accord|pact|memorandum)|status[- ]of[- ]forces|\bsofa\b|"
        rf"visiting forces agreement|reciprocal access agreement|{_D} (agreement|accord|deal|framework|pact)|"
        rf"military(-technical)? (cooperation )?(agreement|accord|pact)|memorandum[^.]{{0,40}}{_D}|"
        r"logistics (support |exchange )?(agreement|memorandum)|cross[- ]servicing|edca|lemoa|comcasa|"
        rf"security cooperation agreement|{_D} memorandum|{_D}[- ]industrial (cooperation )?agreement|"
        rf"{_D} partnership (agreement|framework)|framework (agreement )?(for|on) {_D}|"
        r"(agreement|memorandum|accord|pact)s? on (security|military|defen[cs]e)[^.]{0,30}cooperation|"
        r"memorandum on[^.]{0,40}(military|security|logistics)|security agreements?|"
        r"partnership programme|defen[cs]e cooperation|military cooperation)",
        1.5,
    ),
    _r("attache", r"\b(attach[eé]s?|defen[cs]e section|defen[cs]e advis[eo]rs?|defen[cs]e office)\b", 2.5),
    _r(
        "dialogue",
        rf"\b({_D} (minister|secretary|chief|ministers|officials|talks|dialogue|consultations|chiefs)|"
        r"(army|navy|air force|military) (chief|chiefs|commander|delegation|leaders|talks|officials)|"
        r"chiefs? of (the )?(general |defen[cs]e |naval |army |air )?staff|joint chiefs|staff talks|hotline|"
        r"(security|strategic|military) dialogue|2\+2|two-plus-two|military delegation|"
        r"commander of the|admiral|general\b|port call|goodwill visit|defen[cs]e ministers' forum)",
        0.6,
    ),
    _r("dialogue", r"\b(visit(s|ed|ing)?|met|meets|talks|held talks|hosted|toured|trip|meeting)\b", 0.4),
    _r(
        "arms_transfer",
        r"\b(sold|sell|sells|selling|sale|sales|deliver(ed|s|y|ies)?|suppl(ied|y|ies|ier|iers)|export(ed|s)?|"
        r"ship(ped|s)|transferr?(ed|s)?|handed over|donat(ed|es)|reached|arrived in|gave|send|sent)\b"
        r"[^.]{0,70}\b" + WEAPONS + r"\b",
        1.5,
    ),
    _r(
        "arms_transfer",
        r"\b(purchas(e|ed|es|ing)|bought|buy(s|ing)?|acquir(e|ed|es|ing)|order(ed|s)?|procur(e|ed|es|ing)|"
        r"took delivery|receiv(ed|es)|import(ed|s)?|sign(ed)? (a |an )?(deal|contract)|contracts? for|"
        r"letters? of intent)\b[^.]{0,70}\b" + WEAPONS + r"\b",
        1.5,
        reversed=True,
    ),
    _r(
        "arms_transfer",
        r"\b(arms (deal|sale|sales|transfer|transfers|exports?|export permits|package|supplier|suppliers|"
        r"embargo)|weapons (deal|sale|sales|package|deliveries)|arms to)\b",
        1.5,
    ),
    _r(
        "military_aid",
        rf"\b(military (aid|assistance|financing|grants?|loans?|support package)|security assistance|"
        rf"foreign military financing|fmf|{_D} (aid|assistance)|lethal aid|aid package|"
        rf"(grant|loan|credit)s? (for|to buy|to purchase) (weapons|arms|military)|"
        r"\$[\d.,]+ ?(million|billion|bn|m)?[^.]{0,40}\b(military|security|defen[cs]e)|"
        r"assistance to[^.]{0,40}(armed forces|military|army)|dollars of[^.]{0,20}assistance)",
        1.4,
    ),
    _r(
        "training",
        r"\b(train(s|ed|ing)?|trainers|instruct(ors|ed|ion)|imet|military education|staff college|"
        r"war college|military academy|(defen[cs]e|naval|air force|military) (academy|college|university)|"
        r"cadets|officer exchange|exchange program|mobile training team|courses?|sandhurst|west point|"
        r"saint-cyr|mentor(ing|ed)?|capacity[- ]building)\b",
        1.2,
    ),
    _r(
        "exercise",
        r"\b(exercises?|drills?|war ?games|manoeuvres|maneuvers|wargames?|joint patrols?|passex|"
        r"(cope|red|rim|cobra|balikatan|malabar|talisman|keris|garuda|yudh|pitch|vostok|zapad|kavkaz|"
        r"tsentr|sea breeze|baltops|trident|saber|defender|foal eagle|ulchi|key resolve|freedom shield)\b)",
        1.6,
    ),
    _r(
        "intelligence",
        r"\b(intelligence (cooperation|agreement|pact|exchange|sharing|partnership|ties)|"
        r"exchang\w* (of )?intelligence|gsomia|signals intelligence|sigint|five eyes|beca|"
        r"shar\w+ (satellite|surveillance|radar|reconnaissance|targeting) (data|imagery|information)|"
        r"intelligence[- ]sharing|(shar\w+|pass\w*|gave|give|provid\w+)[^.]{0,30}\bintelligence|"
        r"satellite intelligence|classified (military |defen[cs]e )?(information|material))\b",
        2.0,
    ),
    _r(
        "hadr",
        r"\b(disaster relief|humanitarian (aid|assistance|relief|missions?|supplies)|relief (supplies|"
        r"flights?|goods|missions?|operations?|efforts?|aid)|earthquake|typhoon|cyclone|tsunami|floods?|"
        r"flooding|hurricane|landslides?|wildfires?|volcanic|evacuat\w+|field hospital|hospital ship|"
        r"search[- ]and[- ]rescue|(airlift\w*|ferried|flew|carried) (water|food|aid|supplies|tents|relief)|"
        r"aid distribution)\b",
        1.4,
    ),
    _r(
        "peacekeeping",
        r"\b(minusma|monusco|unmiss|unifil|minusca|unamid|unficyp|undof|minurso|unmik|unmil|unoci|unamsil|"
        r"minustah|unmit|untac|unprofor|onuc|unef|kfor|ifor|sfor|amisom|atmis|eufor|un mission|"
        r"stabili[sz]ation mission|blue berets|peace support|peace ?keeping force|interim force|"
        r"(african union|au|un|multinational|international) (security )?(mission|force)|security mission|"
        r"served with the un)\b",
        1.6,
    ),
    _r(
        "basing",
        r"\b((military|naval|air|army|logistics|drone|missile|marine|overseas) (base|bases|facility|"
        r"facilities|station|outpost|hub)|base (access|rights)|basing|access (rights|agreement)|"
        r"rotational (presence|deployment|force)|stationed|station(s|ing)? (troops|forces|soldiers|jets|"
        r"aircraft|marines)|garrison(ed)?|forward (presence|deployed|operating)|troop presence|"
        r"permanent presence|lease[ds]?|transit cent(re|er)|permanent (foreign )?deployment|"
        r"(troops|forces|soldiers|marines|brigade) (based|stationed|deployed) (in|on|at)|"
        r"(troops|forces|soldiers|personnel|brigade)[^.]{0,40}\b(deployed|sent) (to|in)|"
        r"(keeps|maintains|has) [^.]{0,25}(troops|soldiers|forces) in|base in|presence in|"
        r"deploy(ed|s|ing|ment)?[^.]{0,40}\b(troops|soldiers|marines|forces|jets|aircraft|bombers|"
        r"battalions?|brigades?|squadrons?|warships?|weapons) (to|in|on|into))\b",
        1.3,
    ),
    _r(
        "basing",
        r"\b(host\w*|allow\w*|grant\w*|gave|give|offer\w*)\b[^.]{0,40}\b(troops|forces|soldiers|marines|"
        r"bases?|access|weapons)\b",
        0.8,
        reversed=True,
    ),
    _r("basing", r"\bbases?\b|\b(troops|forces) (left|withdr\w+)", 0.5),
    _r(
        "covert",
        r"\b(covert(ly)?|clandestine(ly)?|secret(ly)? (arm|fund|train|suppl|support|deliver|ship|financ|"
        r"run|operation|program|programme|aid|sold|sell|deploy|pass)\w*|black ops|deniable|funnel+ed|"
        r"smuggl\w+|proxy forces|destabili[sz]\w*|sabotage|mercenar(y|ies)|wagner|"
        r"(armed|funded|trained|backing|arming|funding) (the )?(\w+ )?(rebels|insurgents|militias?|"
        r"contras|mujahideen|guerrillas|opposition fighters)|(rebels|insurgents|militias?|contras|mujahideen|"
        r"guerrillas)[^.]{0,30}\b(armed|funded|backed|supported|supplied) by|"
        r"(organi[sz]ed|orchestrated|engineered|backed|sponsored) (the |a )?(\d{4} )?coup)\b",
        2.0,
    ),
    _r("cyber", r"\bcyber\w*|\binformation security\b", 2.2),
)

SECONDARY: frozenset[tuple[str, str]] = frozenset(
    {("covert", "arms_transfer"), ("covert", "basing"), ("training", "basing"), ("basing", "dca")}
)
"""Pairs (winner, other) where one sentence commonly records both: the other is proposed too when it
reaches the threshold on its own ("secretly *sold missiles*", "a *training base*")."""

PRIORITY: tuple[str, ...] = (
    "covert",
    "cyber",
    "intelligence",
    "attache",
    "peacekeeping",
    "hadr",
    "training",
    "exercise",
    "arms_transfer",
    "military_aid",
    "dca",
    "alliance",
    "basing",
    "dialogue",
)
"""Tie-breaking order: the narrower instrument before the broader."""

NEGATIVE = re.compile(
    r"\b(suspend(s|ed|ing)?|suspension|expel(s|led|ling)?|expulsion|cancel(s|led|ed|ling)?|cancell?ation|"
    r"withdr(ew|aw|awn|awal|aws|awing)|terminat(e|ed|es|ing|ion)|halt(s|ed|ing)?|froze|freez(e|es|ing)|"
    r"frozen|cut (off|ties)|cuts? off|pull(ed|s|ing)? (out|back)|revok(e|ed|es|ing)|revocation|"
    r"scrap(ped|s|ping)?|call(ed|s)? off|persona non grata|ordered [^.]{0,40}to leave|evict(ed|s)?|"
    r"abrogat\w+|renounc\w+|(ended|ends|ending) (its|their|the|a|all)|closed|"
    r"clos(e|es|ing|ure) (of )?(the |its |a )?(base|bases|attach\w*|defen[cs]e section|office|mission)|"
    r"shut (down )?(the |its )?(base|attach\w*|office)|"
    r"vacat(e|ed)|quit|exit(ed|s)? (the|from)|walked out of|refus(ed|es) (to|entry)|reject(ed|s)|"
    r"postpon(ed|es)|downgrad(ed|es)|embargo|barred|turned down|denounc\w+|handed over (its|their) (last )?"
    r"base|(troops|soldiers|forces|personnel|contingent)[^.]{0,40}\bleft\b|refused to renew|"
    r"moved [^.]{0,30}out of|left (the|its) [^.]{0,20}(base|mission))\b",
    re.IGNORECASE,
)
"""Words that make an engagement a withdrawal of cooperation (polarity -1)."""

HEDGES = re.compile(
    r"\b(may|might|could|would|consider(s|ed|ing)?|plan(s|ned)? to|propos(ed|es|al)|talks? on|"
    r"discuss(ed|es|ing)?|expected to|seeks?|sought|offered|denied|rumou?red|reportedly)\b",
    re.IGNORECASE,
)
"""Words that make a candidate less certain (it is still proposed, with lower confidence)."""

CIVILIAN = re.compile(
    r"\b(trade|tariffs?|investment|tourism|visa|climate|football|olympic|cultural|student|scholarship|"
    r"vaccines?|health ministers?|foreign ministers? (met|discussed)|central bank|election|oil|gas|"
    r"pipeline|ngo|charity|red cross|red crescent|unicef|world food programme|wfp|unhcr|"
    r"doctors without borders|msf|oxfam)\b",
    re.IGNORECASE,
)
"""Words of diplomacy that is not military (a near miss unless a military word is present too)."""


def military_context(text: str) -> bool:
    """Whether a sentence speaks of armed forces at all."""
    return _MILITARY.search(text) is not None


_MILITARY = re.compile(rf"\b{MILITARY}\b", re.IGNORECASE)
