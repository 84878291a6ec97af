#!/usr/bin/env bash
# Issue 20 item 5, "names that mean one thing": the mechanical renames, as a script so that they can be applied to a
# tree other branches have changed meanwhile. Run from anywhere: bash bench/rename.sh   (then build and test).
# Idempotent: a second run finds nothing to move or rewrite. It prints what it moved and which files it rewrote, and
# wraps comment lines the rewrite took over 140 characters (LineLengthTests), listing any other such line.
#
# Before → after (glossary in docs/architecture.md, "Names"):
#   the tabular model   TabularBaseline → TabularModel, namespace Engine.Baseline → Engine.Tabular (src/Learning/Tabular/),
#                       BaselineCommand → TrainTabularCommand, BaselineTests → TabularModelTests; prose "tabular
#                       baseline" → "tabular model". CLI `baseline` → `train-tabular` is not done here: it is a code
#                       change with the former name kept (Program.FormerCommandNames).
#   Shapley's masked    Baselines → MaskedImages, BaselineKernel → MaskedImageKernel, BaselineArgs → MaskedImageArgs,
#   images              BaselinesCommand → MaskedImagesCommand, ShapleyFigures.BaselineExamples → MaskedImageExamples,
#                       ShapleyGalaxy.Baseline → .Masked, ShapleyKernelHost.Baselines → .MaskedImages, locals baseline →
#                       masked; prose "baseline(s)" → "masked image(s)", "baseline noise" → "mask noise". CLI `baselines`
#                       → `masked-images`: as above.
#   the band table      BandCatalog → BandTable (src/Astronomy/Surveys/BandTable.cs).
#   the input CSV       the class Catalog (Engine.Data) → InputCatalog (src/Data/Data/InputCatalog.cs); CatalogEntry,
#                       CatalogProblem, CatalogInfo, CatalogCompiler and compile-catalog keep "Catalog", which now has this
#                       one meaning.
#   the spectroscopic   namespace Engine.Catalogs → Engine.Spectroscopy (src/Data/Spectroscopy/).
#   surveys
#   "baseline" is left with one meaning: the reference measurement a benchmark's ratios are taken against
#   (BenchmarkDotNet's Baseline = true, bench/MantisShrimp.Bench, TorchInputChain, docs/performance.md tables).
#
# Not renamed, because they are contracts or other meanings (the rules below skip them):
#   - JSON keys, columns, file names the programs write: "baseline_seconds" (bench shapley JSON), baseline_ID.png and
#     baselines.csv (masked-images output), the table4 run folder "baseline", docs/figures/baselines/; every string
#     literal that is exactly "baseline" or "baselines" (CLI names in tests, the device check's report label).
#   - manifest.json's "catalog" (ShardManifest.Catalog / CatalogInfo), the --catalog option, catalog.csv, catalog_row,
#     ColumnKind.Catalog, properties and methods named Catalog (paths in test fixtures, SampleFiles.Catalog): only the
#     type Catalog is renamed, by its uses (Catalog.Load, Data.Catalog.X, new/class/static Catalog, crefs).
#   - BenchmarkDotNet's [Benchmark(Baseline = true)] and "baseline" in benchmark files (the remaining meaning).
#   - state-dict keys, shard layout, checkpoint entries: none of them contains these names.
#   - text between <!-- rename.sh: as written --> and <!-- rename.sh: end --> (docs/architecture.md's glossary, which
#     names the former spellings), this script, docs/figures/ (measured outputs) and the Python peers.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SELF="bench/rename.sh"

# ---- 1. files and folders (git mv; a move whose target exists is left for a person) ---------------------------------
move() { # move SRC DST
  local src="$1" dst="$2"
  [ -e "$src" ] || return 0
  if [ -e "$dst" ]; then echo "rename: both $src and $dst exist; left as they are" >&2; return 0; fi
  mkdir -p "$(dirname "$dst")"
  git mv "$src" "$dst"
  echo "moved $src → $dst"
}
move_folder() { # move_folder SRC DST: file by file, so a folder another branch added files to moves whole
  local src="$1" dst="$2" f
  [ -d "$src" ] || return 0
  while IFS= read -r f; do move "$f" "$dst/${f#"$src"/}"; done < <(git ls-files "$src")
  rmdir -p --ignore-fail-on-non-empty "$src" 2>/dev/null || true
}
move_folder src/Learning/Baseline src/Learning/Tabular
move_folder src/Data/Catalogs src/Data/Spectroscopy
# Files named after a renamed type, wherever they are (a type split into its own file by another branch included).
TYPES="BandCatalog:BandTable TabularBaseline:TabularModel Baselines:MaskedImages BaselineKernel:MaskedImageKernel
  BaselineArgs:MaskedImageArgs BaselineCommand:TrainTabularCommand BaselinesCommand:MaskedImagesCommand
  BaselineTests:TabularModelTests"
for pair in $TYPES; do
  old="${pair%%:*}"; new="${pair##*:}"
  while IFS= read -r f; do move "$f" "$(dirname "$f")/$new.cs"; done < <(git ls-files src tests bench | grep "/$old\.cs$" || true)
done
move src/Data/Data/Catalog.cs src/Data/Data/InputCatalog.cs

# ---- 2. text -------------------------------------------------------------------------------------------------------
# Each file gets a context: shapley (baseline = masked image), tabular (baseline = the tabular model), features (the
# photometry-table test: code "baseline" = the tabular model's features, prose Shapley's), or other (only the
# unambiguous identifier rules). C# lines are split into code, string literals and comments: identifier rules on code,
# prose rules on strings and comments, the contracts above protected in both.
read -r -d '' PERL <<'EOF' || true
use strict; use warnings; use utf8; # the rules name —, ─▶ and │: match them as characters, like the input (-CSD)
my $ctx = shift @ARGV;
# Capitalised identifiers, paths and namespaces: one meaning each, safe everywhere (code, comments, docs).
sub ids {
  local $_ = shift;
  s/(?<=<summary>)Baselines\b/Masked images/g; s/(?<=\/\/\/ )Baselines —/Masked images —/g;
  s/^## Baselines —/## Masked images —/;
  s/\bBandCatalog\b/BandTable/g;
  s/\bTabularBaseline\b/TabularModel/g;
  s/\bBaselineKernel\b/MaskedImageKernel/g;
  s/\bBaselineArgs\b/MaskedImageArgs/g;
  s/\bBaselinesCommand\b/MaskedImagesCommand/g;
  s/\bBaselineCommand\b/TrainTabularCommand/g;
  s/\bBaselineExamples\b/MaskedImageExamples/g;
  s/\bBaselineTests\b/TabularModelTests/g;
  s/\bMantisShrimp\.Engine\.Baseline\b/MantisShrimp.Engine.Tabular/g; s/\bEngine\.Baseline\./Engine.Tabular./g;
  s/\bMantisShrimp\.Engine\.Catalogs\b/MantisShrimp.Engine.Spectroscopy/g;
  s{\bsrc/Learning/Baseline/}{src/Learning/Tabular/}g; s{\bsrc/Data/Catalogs/}{src/Data/Spectroscopy/}g;
  s{\bLearning/Baseline\b}{Learning/Tabular}g; s{(?<![\w/])Baseline/}{Tabular/}g; s{(?<![\w/])Catalogs/}{Spectroscopy/}g;
  s/"Baseline"/"Tabular"/g; s/"Catalogs"/"Spectroscopy"/g;   # namespace segments (ArchitectureTests)
  # docs/architecture.md's map: the names in its boxes, the right border kept in its column
  s/\bShapley, Baseline, Distributed,/Shapley, Tabular, Distributed, /g; s/^(\s*│ )Catalogs,(.*?)    │/$1Spectroscopy,$2│/;
  s{\bData/Catalog\.cs\b}{Data/InputCatalog.cs}g;
  s/\bBaselines(?=\.(?:[A-Z]|cs\b))/MaskedImages/g;   # Baselines.Masks, Baselines.cs
  s/\bBaselines\b(?=\s*[(<])/MaskedImages/g;        # the ILGPU host's Baselines(...)
  s/\bclass Baselines\b/class MaskedImages/g; s/cref="Baselines"/cref="MaskedImages"/g;
  s/(?<=[\w\])]\.)Baseline\b/Masked/g;              # ShapleyGalaxy.Baseline (Engine.Baseline is done above)
  s/\bfloat\[\] Baseline\b/float[] Masked/g;
  # The input catalog's type, by its uses only (properties and methods named Catalog stay).
  s/(?<![\w.])Catalog(?=\.(?:Load|MaxIdLength|IsSafeName|RequiredColumns|MinRedshiftExclusive|MaxRedshiftExclusive)\b)/InputCatalog/g;
  s/\bData\.Catalog\b(?=[.")])/Data.InputCatalog/g;
  s/\b(class|new|private|public|static) Catalog(?=[\s(])/$1 InputCatalog/g;
  s/\bstatic Catalog Load\b/static InputCatalog Load/g;
  s/cref="Catalog([".])/cref="InputCatalog$1/g;
  s/(?<=\()Catalog(?= catalog\b)/InputCatalog/g;
  s/(?<=, )Catalog(?= catalog\b)/InputCatalog/g;
  return $_;
}
# Prose (comments, strings, docs): per context. Contracts are shielded first and restored after.
sub prose {
  local $_ = shift;
  my @kept;
  s{(figures/baselines|baselines\.csv|baseline_\w*|"baselines?")}{push @kept, $1; "\x{1}" . $#kept . "\x{2}"}ge;
  s/\btabular baseline\b/tabular model/g; s/\bTabular baseline\b/Tabular model/g;
  s/\bsource-masked baselines\b/masked images/g;
  s/\bmantis baselines\b/mantis masked-images/g; s/\bmantis baseline\b/mantis train-tabular/g;
  s/`baselines`/`masked-images`/g; s/`baseline`/`train-tabular`/g;
  s/\bShapley baselines\b/Shapley masked images/g; s/\bShapley baseline noise\b/Shapley mask noise/g;
  s/\bthe baseline kernel\b/the masked-image kernel/g; s/\bbaseline kernel\b/masked-image kernel/g;
  s/\bbaseline and composite\b/masked image and composite/g;
  s/\bthe baseline bands\b/the mask noise's bands/g;
  s/\bthe baseline mask\b/the mask/g; s/─▶ baseline \(/─▶ train-tabular (/g; s/\bShapley\/ — baseline\b/Shapley\/ — masked-image/g; s/\bthe tabular baseline\b/the tabular model/g;
  if ($ctx eq 'shapley' || $ctx eq 'features') {
    s/\bsource-masked baselines\b/masked images/g;
    s/\ball-baseline\b/all-masked/g;
    s/\bbaseline noise\b/mask noise/g; s/\bbaseline mask\b/mask/g;
    s/\bbaselines\b/masked images/g; s/\bBaselines\b/Masked images/g;
    s/\bbaseline\b/masked image/g; s/\bBaseline\b/Masked image/g;
  } elsif ($ctx eq 'tabular') {
    s/\bbaseline:/tabular model:/g; s/\brecords for the baseline\b/records to fit/g; s/\bthe baseline\b/the tabular model/g;
    s/\bbaseline\b/model/g;
  }
  s{\x{1}(\d+)\x{2}}{$kept[$1]}g;
  return $_;
}
# C# code outside strings and comments: locals, fields and test-method names, per context.
sub code {
  local $_ = shift;
  if ($ctx eq 'shapley' || $ctx eq 'features') {
    s/\bofBaseline\b/ofMasked/g; s/\b_baselineOut\b/_maskedOut/g; s/\b_baseline\b/_maskedImage/g;
    s/\bbaselineSeconds\b/maskingSeconds/g;
    s/\bBaseline_(?=[a-z])/Masked_image_/g;
    s/(?<=[a-z]_)baselines(?=_|\b)/masked_images/g; s/(?<=[a-z]_)baseline(?=_|\b)/masked_image/g;
    s/\bBaseline(?=\()/MaskedImages/g;              # the device check's Baseline(host, samples)
  }
  if ($ctx eq 'shapley') { s/\bbaseline\b/masked/g; }
  if ($ctx eq 'features') { s/\bbaseline\b/tabularFeatures/g; }
  if ($ctx eq 'tabular') { s/\bBaseline_(?=[a-z])/Tabular_model_/g; }
  s/\btabular baseline\b/tabular model/g;       # prose in a string nested in an interpolation reads as code here
  return $_;
}
sub cs_line {
  my $line = shift;
  $line = ids($line);
  my $out = '';
  while ($line =~ /\G(\/\/.*$|\$?@?"(?:[^"\\]|\\.)*"|[^"\/]+|\/|")/gcs) {
    my $seg = $1;
    if ($seg =~ /^\/\// || $seg =~ /^\$?@?"/) { $out .= prose($seg); } else { $out .= code($seg); }
  }
  return $out;
}
# A comment line the rewrite took over 140 characters (LineLengthTests) is wrapped at a space, the rest carried into
# the next line of the same comment when there is one (else a line of its own); any other such line is reported for a
# person to wrap.
my $file = $ARGV[0];
my $cs = $file =~ /\.cs$/;
local $/; my $text = <>;
my ($n, $new, $carry) = (0, '', undef);
my @lines = split /(?<=\n)/, $text;
my $verbatim = 0; # between <!-- rename.sh: as written --> and <!-- rename.sh: end --> (the glossary's "Formerly")
for my $i (0 .. $#lines) {
  my $line = $lines[$i];
  $n++;
  if ($line =~ /<!-- rename\.sh: as written -->/) { $verbatim = 1; }
  if ($verbatim) { $new .= $line; $verbatim = 0 if $line =~ /<!-- rename\.sh: end -->/; next; }
  my $out = $cs ? cs_line($line) : prose(ids($line));
  my $carried = defined $carry;
  if ($carried) { $out =~ s/^(\s*\/\/\/? )/$1$carry /; $carry = undef; }
  (my $body = $out) =~ s/\n\z//;
  if ($cs && length($body) > 140 && ($carried || length($line =~ s/\n\z//r) <= 140)) {
    my ($prefix) = $body =~ /^(\s*\/\/\/? )/;
    if (defined $prefix && substr($body, 0, 141) =~ /^(.*\S) (?=\S)/ && length($1) > length($prefix)) {
      my $head = $1;
      my $rest = substr($body, length($head) + 1);
      my $next = $i < $#lines ? $lines[$i + 1] : '';
      if ($next =~ /^\Q$prefix\E(?![<\s])\S/) { $out = "$head\n"; $carry = $rest; }
      else { $out = "$head\n$prefix$rest\n"; }
    } else {
      print STDERR "rename: now over 140 characters, wrap it: $file:$n\n";
    }
  }
  $new .= $out;
}
print $new;
EOF

context() { # context FILE → shapley | tabular | features | other
  case "$1" in
    */PhotometryTableTests.cs) echo features ;;
    */Shapley/*|*/Shapley*.cs|*/PrecisionTests.cs|*/KernelLoadingTests.cs|*/TargetPhotometry.cs|*/Sources/Background.cs|\
    */PhotometryTable.cs|*/TableMeta.cs|bench/MantisShrimp.DeviceCheck/*|docs/shapley.md|docs/data-format.md) echo shapley ;;
    */Tabular/*|*/TabularModel*.cs|*/TabularBaseline*.cs|*/BaselineTests.cs|*/Table4.cs|*/ModelCommands.cs|\
    src/Learning/MantisShrimp.Learning.csproj|docs/results.md) echo tabular ;;
    *) echo other ;;
  esac
}

changed=()
while IFS= read -r f; do
  [ "$f" = "$SELF" ] && continue
  [ -f "$f" ] || continue
  case "$f" in *.cs|*.csproj|*.md|*.sh|*.txt) ;; *) continue ;; esac
  case "$f" in docs/figures/*|*/peers/*) continue ;; esac # measured outputs and the Python peers: not ours to rename
  tmp="$(mktemp)"
  perl -CSD -e "$PERL" "$(context "$f")" "$f" >"$tmp"
  if cmp -s "$f" "$tmp"; then rm -f "$tmp"; continue; fi
  echo "rewrote $f"
  changed+=("$f")
  cat "$tmp" >"$f"
  rm -f "$tmp"
done < <(git ls-files src tests bench docs README.md)
echo "rename: ${#changed[@]} files rewritten"
