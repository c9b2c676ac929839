"""Words of interview speech that say nothing of what it is about.

Transcribers' marks of non-speech events, fillers and backchannels: topic discovery
leaves them out of keywords and drops a passage of nothing else
(:func:`tr_nlp.topics.is_filler`), and the list of words that may be names never lists
them (:func:`tr_nlp.privacy.name_candidates`). A module of its own, so that neither pays
for the other's imports.
"""

#: Transcribers' marks of non-speech events ("[laughs]", "(pause)"): never a topic word.
NON_SPEECH = frozenset("laughs laughing laughter laugh sighs sigh pause pauses inaudible crosstalk "
                       "coughs cough unclear overlapping chuckles chuckle chuckling giggles giggle giggling "
                       "unintelligible sniffs sniff".split())
#: Interview fillers and backchannels: removed from topic words and, alone, from the remainder.
FILLERS = NON_SPEECH | frozenset(
    "yeah yes yep yup no nope nah mm mmm mhm mh hm hmm uh huh um umm erm er ah oh okay ok right "
    "sure like know mean just really well sort kind things thing stuff got gonna wanna dunno "
    "guess suppose think said says say actually basically literally honestly obviously "
    "alright anyway ve ll don didn doesn isn wasn wouldn couldn ain im cos cause "
    "hasn haven hadn aren weren shouldn mustn needn kinda sorta "
    "lot bit way bloody gotta innit wow whoa woah argh ugh oops".split()
)
#: Fillers and backchannels of spoken Swedish, German, French... that the language's
#: stop-word list (spaCy's) lacks, as it is made of written text, with speech's own spellings
#: (Swedish ``nåt``, ``dom``, ``mej``; German ``nich``, ``nen``) and the verbs of talk that
#: English's list holds too (said, know, mean, think): topic keywords of passages in that
#: language leave them out (:func:`tr_nlp.language.stop_words`).
SPOKEN_FILLERS: dict[str, frozenset[str]] = {
    language: frozenset(words.split()) for language, words in {
        "da": "ja nej nå øh øhm jamen okay altså sagde siger mener tror",
        "de": "jo nee ne genau halt naja äh ähm öhm hm okay irgendwie quasi sozusagen eigentlich sag weiß weißt "
              "meinte glaub glaube denk denke nich net nen mal",
        "es": "eh vale ajá mmm digo osea tipo",
        "fi": "juu tota niinku okei öö sano sanoi tiedän",
        "fr": "oui ouais non euh bah ben bon hein dis sais truc genre",
        "it": "sì eh ehm cioè boh insomma vabbè tipo praticamente",
        "nb": "jo nei eh ehm liksom okei sånn altså akkurat vet",
        "nl": "nee uh eh ehm uhm nou oké okee inderdaad hè hoor zeg zegt weet bedoel denk echt",
        "pl": "znaczy yyy eee aha",
        "pt": "né hum ahn tá",
        "ru": "типа угу",
        "sv": "jo nä precis asså liksom typ ba ju väl okej jaa jaha jaså nähä öh äh eh nja visst aa nåt nån nånting "
              "nåra sen dom mej dej sej sånt sånn sånna sa vet menar tror tycker himla",
    }.items()
}
