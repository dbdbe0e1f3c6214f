using System.CommandLine;
using System.Globalization;
using CsvHelper.Configuration.Attributes;
using TextAttention.Data;
using TextAttention.Explanation;
using TextAttention.Inference;
using TextAttention.IO;
using TextAttention.Notebooks;
using TextAttention.Text;

namespace TextAttention.Cli;

/// <summary>
/// <c>explain</c>: what a saved model's decision on your own sentences rests on, token by token (attention beside three
/// attributions), or, over a labelled file with marked phrases, how faithful and how plausible each ranking is.
/// </summary>
internal static class ExplainCommand
{
    /// <summary>One text's figures for one ranking in <c>--out</c>.</summary>
    public sealed record TextRow(
        [property: Name("text")] int Text,
        [property: Name("label")] string Label,
        [property: Name("predicted")] string Predicted,
        [property: Name("ranking")] string Ranking,
        [property: Name("comprehensiveness_aopc")] double Comprehensiveness,
        [property: Name("sufficiency_aopc")] double Sufficiency,
        [property: Name("average_precision")] double? AveragePrecision,
        [property: Name("recall_at_marked")] double? RecallAtMarked);

    public static Command Build()
    {
        var checkpoint = new Option<DirectoryInfo>("--checkpoint")
        {
            Description = "A checkpoint folder written by `train --save DIR` (one per run) or by notebook 04.",
            HelpName = "dir",
            Required = true,
        };
        var texts = new Argument<string[]>("text")
        {
            Description = "Texts to explain; without any (and without --rationales), one text per non-blank line is read from standard input.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var rationales = new Option<FileInfo?>("--rationales")
        {
            Description = "A labelled CSV/TSV file with a header whose rationale column holds, for each text, the phrase a person marked as the reason for its label: " +
                          "score every ranking's faithfulness (ERASER's comprehensiveness and sufficiency) and plausibility (average precision against the marked tokens).",
            HelpName = "file",
        };
        var textColumn = new Option<string>("--text-column") { Description = "The text's column in --rationales.", DefaultValueFactory = _ => "text", HelpName = "name" };
        var labelColumn = new Option<string>("--label-column") { Description = "The label's column in --rationales.", DefaultValueFactory = _ => "label", HelpName = "name" };
        var rationaleColumn = new Option<string>("--rationale-column") { Description = "The marked phrase's column in --rationales.", DefaultValueFactory = _ => "rationale", HelpName = "name" };
        var output = new Option<FileInfo?>("--out") { Description = "With --rationales: write one row per text and ranking to this CSV.", HelpName = "file" };
        var maxSteps = Options.Whole("--max-steps", "The most intervals integrated gradients may refine its path into to meet its completeness tolerance.", new ExplainOptions().MaxSteps, min: 1, max: 65_536);

        var command = new Command("explain", "Explain a saved model's decisions: each token's attention, gradient × input, integrated gradients (with its completeness gap) and leave-one-out; " +
                                             "or, with --rationales, score faithfulness and plausibility over a labelled file.")
        {
            checkpoint, texts, rationales, textColumn, labelColumn, rationaleColumn, output, maxSteps,
        };
        command.SetAction(parse =>
        {
            var console = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            try
            {
                if (Options.OutputProblem("--out", parse.GetValue(output)) is { } problem)
                {
                    error.WriteLine("error: " + problem);
                    return 1;
                }

                if (parse.GetValue(output) is not null && parse.GetValue(rationales) is null)
                {
                    error.WriteLine("error: --out writes the figures of --rationales; give --rationales FILE too.");
                    return 1;
                }

                var predictor = Predictor.FromCheckpoint(parse.GetValue(checkpoint)!.FullName);
                var options = new ExplainOptions(MaxSteps: parse.GetValue(maxSteps));
                if (parse.GetValue(rationales) is { } file)
                {
                    return Score(console, error, predictor, file, parse.GetValue(textColumn)!, parse.GetValue(labelColumn)!, parse.GetValue(rationaleColumn)!, parse.GetValue(output), options);
                }

                var given = parse.GetValue(texts) ?? [];
                IReadOnlyList<string> input = given.Length > 0 ? given : ReadLines(Console.In);
                if (input.Count == 0 || input.Any(string.IsNullOrWhiteSpace))
                {
                    error.WriteLine("error: no text to explain (or an empty one); give texts as arguments or one per line on standard input.");
                    return 1;
                }

                var encoded = input.Select((text, i) =>
                {
                    var tokens = predictor.Tokenizer.Tokenize(text);
                    return new EncodedExample(predictor.Vocabulary.Encode(tokens.Count == 0 ? [Vocabulary.Unknown] : tokens.Take(predictor.MaxLength).ToList()), 0, i);
                }).ToList();
                foreach (var e in Explainer.Explain(predictor, encoded, options))
                {
                    Write(console, e, input[e.Index], predictor);
                }

                return 0;
            }
            catch (Exception ex) when (ex is DataFormatException or IOException or ArgumentException or InvalidDataException or UnauthorizedAccessException)
            {
                error.WriteLine("error: " + ex.Message);
                return 1;
            }
        });
        return command;
    }

    private static int Score(TextWriter console, TextWriter error, Predictor predictor, FileInfo file, string textColumn, string labelColumn, string rationaleColumn,
        FileInfo? output, ExplainOptions options)
    {
        if (!file.Exists)
        {
            error.WriteLine($"error: --rationales: {file.FullName} does not exist.");
            return 1;
        }

        var delimiter = file.Extension.ToLowerInvariant() is ".tsv" or ".txt" ? '\t' : ',';
        var layout = new LabelledFileLayout(delimiter, Quoted: delimiter == ',', Header: true, [textColumn], labelColumn, RationaleColumn: rationaleColumn);
        var examples = LabelledFile.Read(file.FullName, layout, new LabelSet(predictor.ClassNames), m => error.WriteLine("note: " + m), tokenizer: predictor.Tokenizer);
        var encoded = Batcher.Encode(examples.Select(e => (e.Text, e.Label)), predictor.Tokenizer, predictor.Vocabulary, predictor.MaxLength);
        var measured = ExplanationStudy.Measure(Path.GetFileNameWithoutExtension(file.Name), 0, predictor, encoded, examples, [.. Enumerable.Range(0, encoded.Count)],
            file.Name, options, randomSeed: 2016);
        var summary = ExplanationStudy.Summarise([measured]);
        var withRationale = measured.Values.TryGetValue((ExplanationStudy.Plausibility, Explainer.AttentionMethod, 0), out var ap) ? ap.Count(v => !double.IsNaN(v)) : 0;
        console.WriteLine($"{file.Name}: {examples.Count} texts, accuracy {measured.Values[(ExplanationStudy.Accuracy, "sample", 0)].Average():P1}; " +
                          $"{withRationale} correctly classified texts with a marked phrase that is not the whole text");
        string Figure(string measure, string method) =>
            summary.FirstOrDefault(s => s.Measure == measure && s.Method == method && s.K == 0) is { } s
                ? string.Create(CultureInfo.InvariantCulture, $"{s.Mean:F3} [{s.Low:F3}, {s.High:F3}]") : "—";
        var table = new Microsoft.Data.Analysis.DataFrame(
            new Microsoft.Data.Analysis.StringDataFrameColumn("ranking", ExplanationStudy.Rankings),
            new Microsoft.Data.Analysis.StringDataFrameColumn("comprehensiveness AOPC", ExplanationStudy.Rankings.Select(m => Figure(ExplanationStudy.Comprehensiveness, m))),
            new Microsoft.Data.Analysis.StringDataFrameColumn("sufficiency AOPC", ExplanationStudy.Rankings.Select(m => Figure(ExplanationStudy.Sufficiency, m))),
            new Microsoft.Data.Analysis.StringDataFrameColumn("average precision", ExplanationStudy.Rankings.Select(m => Figure(ExplanationStudy.Plausibility, m))),
            new Microsoft.Data.Analysis.StringDataFrameColumn("recall at |marked|", ExplanationStudy.Rankings.Select(m => Figure(ExplanationStudy.RecallAtR, m))));
        console.WriteLine(TextTables.Format(table));
        console.WriteLine($"chance: average precision {Figure(ExplanationStudy.PlausibilityChance, "chance")}, recall at |marked| {Figure(ExplanationStudy.RecallAtR, "chance")}; " +
                          "95% intervals over texts. Comprehensiveness: higher is more faithful; sufficiency: lower is.");
        var incomplete = measured.Values[(ExplanationStudy.IncompleteAfter, Explainer.IntegratedGradientsMethod, 0)].Average();
        console.WriteLine($"integrated gradients missed its completeness tolerance on {incomplete:P1} of the texts (at most {options.MaxSteps} intervals).");
        if (output is not null)
        {
            var rows = new List<TextRow>();
            for (var i = 0; i < measured.Explanations.Count; i++)
            {
                var e = measured.Explanations[i];
                foreach (var method in ExplanationStudy.Rankings)
                {
                    double? Value(string measure) => measured.Values.TryGetValue((measure, method, 0), out var v) && !double.IsNaN(v[i]) ? v[i] : null;
                    rows.Add(new TextRow(i + 1, predictor.ClassNames[e.Label], predictor.ClassNames[e.Predicted], method,
                        measured.Values[(ExplanationStudy.Comprehensiveness, method, ExplanationStudy.Aopc)][i],
                        measured.Values[(ExplanationStudy.Sufficiency, method, ExplanationStudy.Aopc)][i],
                        Value(ExplanationStudy.Plausibility), Value(ExplanationStudy.RecallAtR)));
                }
            }

            CsvFile.Write(output.FullName, rows);
            console.WriteLine($"wrote {output.FullName}");
        }

        return 0;
    }

    /// <summary>One block per text: the verdict, then a row per token with the four scores.</summary>
    private static void Write(TextWriter output, TokenExplanation e, string text, Predictor predictor)
    {
        string F(double value) => value.ToString("F3", CultureInfo.InvariantCulture).PadLeft(8);
        output.WriteLine($"text {e.Index + 1}: {PredictCommand.Printable(text)}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  predicted: {predictor.ClassNames[e.Predicted]} (p = {e.Probability:F3})"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  integrated gradients: {e.Steps} intervals, completeness gap {e.CompletenessGap:F4} for a change of {e.Change:F3} in the logit{(e.Complete ? "" : " (tolerance not met)")}"));
        var width = Math.Max(5, e.Tokens.Max(t => PredictCommand.Printable(t).Length));
        output.WriteLine($"  {"token".PadRight(width)} {"attention",8} {"grad×in",8} {"IG",8} {"leave-1",8}");
        for (var t = 0; t < e.Tokens.Count; t++)
        {
            output.WriteLine($"  {PredictCommand.Printable(e.Tokens[t]).PadRight(width)} {F(e.Attention[t])} {F(e.GradientTimesInput[t])} {F(e.IntegratedGradients[t])} {F(e.LeaveOneOut[t])}");
        }
    }

    private static List<string> ReadLines(TextReader input)
    {
        var lines = new List<string>();
        while (input.ReadLine() is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                lines.Add(line);
            }
        }

        return lines;
    }
}
