"""Words of interview speech that say nothing of what it is about.

Transcribers' marks of non-speech events, fillers and backchannels: topic discovery
leaves them out of keywords and drops a passage of nothing else
(:func:`tr_nlp.topics.is_filler`), and the list of words that may be names never lists
them (:func:`tr_nlp.privacy.name_candidates`). A module of its own, so that neither pays
for the other's imports.
"""

#: Transcribers' marks of non-speech events ("[laughs]", "(pause)"): never a topic word.
NON_SPEECH = frozenset("laughs laughing laughter laugh sighs sigh pause pauses inaudible crosstalk "
                       "coughs cough unclear overlapping".split())
#: Interview fillers and backchannels: removed from topic words and, alone, from the remainder.
FILLERS = NON_SPEECH | frozenset(
    "yeah yes yep yup no nope nah mm mmm mhm mh hm hmm uh huh um umm erm er ah oh okay ok right "
    "sure like know mean just really well sort kind things thing stuff got gonna wanna dunno "
    "guess suppose think said says say actually basically literally honestly obviously "
    "alright anyway ve ll don didn doesn isn wasn wouldn couldn ain im cos cause "
    "lot bit way bloody gotta innit wow whoa woah argh ugh oops".split()
)
