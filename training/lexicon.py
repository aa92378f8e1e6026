"""Cue-word lexicon for the speech-act labels.

Used three ways: the corpus validator measures how many act sentences avoid each label's
commonest cue verbs (indirect phrasing) and how many background sentences contain a cue
word anyway (hard negatives); the keyword baseline labels a sentence by the first label
whose cues it contains, in the order refusal > warning > demand.
"""

from __future__ import annotations

import re

_DIACRITICS = re.compile(r"[\u064B-\u0652\u0670\u0640]")  # harakat, dagger alef, tatweel
_ALEFS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي"})
_LETTER = "\u0621-\u064A"


def simplify(text: str) -> str:
    """Strip diacritics and tatweel and unify alef and yaa forms, for cue matching only."""
    return _DIACRITICS.sub("", text).translate(_ALEFS)


def _verbs(*stems: str) -> str:
    """Stems at a word start, after an optional و/ف/س prefix, with any suffix."""
    return rf"(?<![{_LETTER}])(?:[وف]?س?)(?:{'|'.join(stems)})"


def _nouns(*stems: str) -> str:
    """Stems at a word start, after optional و/ف/ب/ل/ك and the article, with any suffix."""
    return rf"(?<![{_LETTER}])(?:[وفبلك]?(?:ال|لل)?)(?:{'|'.join(stems)})"


def _phrases(*phrases: str) -> str:
    return "|".join(re.escape(phrase) for phrase in phrases)


# The commonest cue verbs of each act label (the corpus must not lean on them alone).
COMMON_CUES: dict[str, re.Pattern[str]] = {
    "demand": re.compile(
        "|".join([
            _verbs("طالب", "يطالب", "تطالب", "نطالب", "يطلب", "تطلب", "نطلب", "طلب", "دعا", "دعت", "دعو",
                   "يدعو", "تدعو", "ندعو", "يدعون", "ادعو"),
            _nouns("مطالب", "دعوة", "دعوات", "داعيا", "داعية", "داعين", "طلبا"),
        ])
    ),
    "warning": re.compile(
        "|".join([
            _verbs("حذر", "يحذر", "تحذر", "نحذر", "هدد", "يهدد", "تهدد", "نهدد"),
            _nouns("تحذير", "محذر", "تهديد", "مهدد"),
        ])
    ),
    "refusal": re.compile("|".join([_verbs("رفض", "يرفض", "ترفض", "نرفض"), _nouns("رفض", "رافض")])),
}

# Wider cue lists, used by the keyword baseline and to find hard negatives.
CUES: dict[str, re.Pattern[str]] = {
    "refusal": re.compile(
        "|".join([
            COMMON_CUES["refusal"].pattern,
            _verbs("امتنع", "يمتنع", "تمتنع", "نمتنع", "ابي", "يابي", "تابي"),
            _nouns("امتناع", "الفيتو", "فيتو", "النقض"),
            _phrases("لن نقبل", "لن يقبل", "لن تقبل", "لن نوقع", "لن يوقع", "لن توقع", "غير وارد", "لن نسمح",
                     "لن نتفاوض", "لن نعود", "لن نتراجع", "لا نية", "ليس واردا", "لن نسلم", "اعتذر عن التعليق",
                     "رفض التعليق", "صوت ضد", "صوتوا ضد", "اسقط", "لن ننسحب", "لن نتنازل"),
        ])
    ),
    "warning": re.compile(
        "|".join([
            COMMON_CUES["warning"].pattern,
            _verbs("توعد", "يتوعد", "تتوعد", "لوح", "يلوح", "تلوح", "انذر", "ينذر", "تنذر", "نبه", "ينبه", "تنبه"),
            _nouns("وعيد", "انذار", "تلويح", "خطر", "خطورة", "كارثة", "كارثي"),
            _phrases("سيدفع الثمن", "ستدفع الثمن", "بحق الرد", "مكتوفي الايدي", "عواقب", "تداعيات خطيرة",
                     "لن نقف", "نحتفظ بحق"),
        ])
    ),
    "demand": re.compile(
        "|".join([
            COMMON_CUES["demand"].pattern,
            _verbs("حث", "يحث", "تحث", "ناشد", "يناشد", "تناشد", "امهل", "يمهل", "اشترط", "يشترط", "تشترط",
                   "اوصي", "يوصي", "توصي", "الح", "يلح"),
            _nouns("مناشدة", "مهلة", "توصية", "ضرورة"),
            _phrases("يجب ان", "يجب علي", "يتعين علي", "ينبغي", "لا بد من", "لابد من", "علي الحكومة ان",
                     "نريد", "نطالب"),
        ])
    ),
}

# Denials and condemnations: background by rule, and classic hard negatives.
DENIAL_OR_CONDEMNATION = re.compile(
    "|".join([
        _verbs("نفي", "نفت", "ينفي", "تنفي", "ننفي", "دان", "ادان", "يدين", "تدين", "ندد", "يندد", "تندد",
               "استنكر", "يستنكر", "تستنكر", "شجب", "يشجب"),
        _nouns("نفي", "ادانة", "تنديد", "استنكار"),
        _phrases("الاتهامات", "اتهامات", "ادعاءات"),
    ])
)

KEYWORD_ORDER: tuple[str, ...] = ("refusal", "warning", "demand")


def uses_common_cue(sentence: str, label: str) -> bool:
    """Whether an act sentence uses one of its label's commonest cue verbs."""
    return bool(COMMON_CUES[label].search(simplify(sentence)))


def has_any_cue(sentence: str) -> bool:
    """Whether a sentence contains any act cue word, denial or condemnation word."""
    text = simplify(sentence)
    return any(pattern.search(text) for pattern in CUES.values()) or bool(DENIAL_OR_CONDEMNATION.search(text))


def keyword_label(sentence: str) -> str:
    """The keyword baseline: the first label (refusal > warning > demand) whose cues appear."""
    text = simplify(sentence)
    for label in KEYWORD_ORDER:
        if CUES[label].search(text):
            return label
    return "background"
