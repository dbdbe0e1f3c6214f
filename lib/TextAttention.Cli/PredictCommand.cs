using System.CommandLine;
using System.Globalization;
using TextAttention.Inference;
using TextAttention.IO;

namespace TextAttention.Cli;

/// <summary><c>predict</c>: classify your own sentences with a checkpoint saved by <c>train --save</c> or notebook 04, and show what the pooling weighed.</summary>
internal static class PredictCommand
{
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
            Description = "Texts to classify; without any, one text per non-blank line is read from standard input.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var top = Options.Whole("--top", "Also list this many tokens with the largest weights (0 for none).", 3, min: 0, max: 10_000);

        var command = new Command("predict", "Classify texts with a saved model: the predicted class with its probability, and the pooling's weight on every token.")
        {
            checkpoint, texts, top,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            try
            {
                // The checkpoint first: a wrong path fails at once, before standard input is read.
                var predictor = Predictor.FromCheckpoint(parse.GetValue(checkpoint)!.FullName);
                var given = parse.GetValue(texts) ?? [];
                IReadOnlyList<string> input = given.Length > 0 ? given : ReadLines(Console.In);
                if (input.Count == 0)
                {
                    error.WriteLine("error: no text to classify; give texts as arguments or one per line on standard input.");
                    return 1;
                }

                foreach (var prediction in predictor.Predict(input))
                {
                    Write(output, prediction, input[prediction.Index], parse.GetValue(top), predictor.Tokenizer.Tokenize(input[prediction.Index]).Count);
                }

                return 0;
            }
            catch (Exception e) when (e is DataFormatException or IOException or ArgumentException or InvalidDataException or UnauthorizedAccessException)
            {
                error.WriteLine("error: " + e.Message);
                return 1;
            }
        });
        return command;
    }

    /// <summary>One block per text: the text, the verdict with its probability, the top tokens, then every token with its weight.</summary>
    private static void Write(TextWriter output, Prediction prediction, string text, int top, int tokens)
    {
        output.WriteLine($"text {prediction.Index + 1}: {Printable(text)}");
        if (tokens > prediction.Tokens.Count)
        {
            output.WriteLine($"  note: the model reads at most {prediction.Tokens.Count} tokens; the last {tokens - prediction.Tokens.Count} of this text's {tokens} were cut.");
        }

        output.WriteLine(Invariant($"  predicted: {prediction.PredictedName} (p = {prediction.Probabilities[prediction.Predicted]:F3})"));
        if (top > 0)
        {
            output.WriteLine("  largest weights: " + string.Join(", ", prediction.Top(top).Select(t => Invariant($"{Printable(t.Token)} ({t.Weight:F3})"))));
        }

        output.WriteLine("  weights: " + string.Join(" ", prediction.Tokens.Select((token, t) => Invariant($"{Printable(token)}:{prediction.Weights[t]:F3}"))));
    }

    /// <summary>The text with control characters (escape sequences, bells, carriage returns) shown as \u escapes, so they cannot act on the terminal.</summary>
    public static string Printable(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    private static List<string> ReadLines(TextReader input)
    {
        var lines = new List<string>();
        while (input.ReadLine() is { } line)
        {
            // Blank lines separate texts on standard input; an empty argument is an error the predictor reports.
            if (!string.IsNullOrWhiteSpace(line))
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
