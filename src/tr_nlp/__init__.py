"""tr_nlp: machine-assisted coding of qualitative interview transcripts.

Everything runs offline: the switches below stop Hugging Face libraries from reaching
the network before any of them is imported.
"""

import os as _os

for _name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    _os.environ.setdefault(_name, "1")
_os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
# library code is quiet: no download or weight-loading progress bars on stderr
_os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
_os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
_os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

__version__ = "0.1.0"
