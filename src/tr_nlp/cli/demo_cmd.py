"""``tr-nlp demo``: the whole pipeline on the shipped demo corpus (what ``make demo`` runs)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tr_nlp.cli import common as c
from tr_nlp.export import check_folder_path


@c.handle_errors
def demo(
    output: Annotated[Path, typer.Option("--output", "-o", help="Run folder to write.")] = Path("out/demo"),
    corpus: Annotated[Path | None, typer.Option("--corpus", help="Corpus folder (default: corpora/demo).")] = None,
    seed: c.Seed = 0,
    quiet: c.Quiet = False,
    verbose: c.Verbose = False,
) -> None:
    """Run the whole pipeline on the demo corpus and print where each output is."""
    # the pipeline's libraries load with the command, not with --help
    from tr_nlp.agreement.tables import rounded, signed
    from tr_nlp.cli.evaluation_tables import of_missed
    from tr_nlp.pipeline import find_demo_corpus, run_pipeline

    check_folder_path(output, "the run")
    corpus_path = corpus or find_demo_corpus()
    result = run_pipeline(corpus_path, output, seed=seed)
    assert result.corpus is not None
    for report in result.corpus.failures:
        c.error_line(report.error)
    s = result.summary
    if not quiet:
        c.err.print(
            f"{s['interviews']} interviews, {s['segments']} participant segments, "
            f"{s['codings']} human codings by {len(s['coders'])} coder(s)", highlight=False,
        )
    for key, unit in (("agreement_pooled", "segments"), ("agreement_characters_pooled", "characters")):
        for row in s.get(key, []):
            more = (f", u-alpha {rounded(row['alpha_u'])} [{rounded(row['alpha_u_ci'][0])}, "
                    f"{rounded(row['alpha_u_ci'][1])}]" if "alpha_u" in row else "")
            if "kappa_diff" in row:  # the machine's kappa minus the other coder's, paired CI
                more += f", minus {row['peer']}'s kappa: {signed(row['kappa_diff'], *row['kappa_diff_ci'])}"
            c.err.print(f"  agreement (all codes, CV, {unit}): {row['raters']}: kappa {rounded(row['kappa'])} "
                        f"[{rounded(row['kappa_ci'][0])}, {rounded(row['kappa_ci'][1])}], F1 {rounded(row['f1'])}"
                        f"{more}", highlight=False)
    for row in s.get("codes_mixed_up", [])[:2]:  # where the codebook's lines may need drawing
        coders = row["coders"]
        alike = (f"; the same between the coders: {of_missed(*coders, *(row.get('coders_ci') or (None, None)))}"
                 if coders and coders[1] else "")
        shares = of_missed(row["segments"], row["missed"], *(row.get("share_ci") or (None, None)))
        c.err.print(f"  codes mixed up (CV, segments): {row['given_by']}'s {row['code']} that {row['missed_by']} did not "
                    f"give, {row['missed_by']} gave {row['instead']}: {shares}{alike}", highlight=False)
    found = s.get("discovery", {})
    if "skipped" in found:
        c.err.print(f"  candidate codes: none ({found['skipped']})", highlight=False)
    elif found:
        c.err.print(f"  candidate codes ({found['candidates']}): {', '.join(found['labels'])}", highlight=False)
    for name, path in result.outputs.items():
        c.out.print(f"{name:>15}: {path}", highlight=False)
    raise typer.Exit(c.exit_code(result.corpus))
