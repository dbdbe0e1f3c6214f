using System.Globalization;
using TextAttention.Explanation;
using TextAttention.Inference;
using TextAttention.Text;

namespace TextAttention.Tests.Cli;

/// <summary>
/// <c>explain</c> on a checkpoint saved by <c>train --save</c>: the printed scores are the library's, token by token;
/// over a file with marked phrases it scores every ranking and writes one row per text and ranking; bad input is one line.
/// </summary>
[Collection("training")]
public sealed class ExplainCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("textattention-explain-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static readonly string[] Words = ["alpha", "beta", "gamma"];

    /// <summary>A checkpoint of a HAN model trained on 90 texts whose class is told by one word; and the file it trained on.</summary>
    private string Checkpoint()
    {
        var lines = Enumerable.Range(0, 90).Select(i => $"\"{Words[i % 3]} filler{i % 7} more{i % 5} words\",{Words[i % 3]}");
        var data = Path.Combine(folder, "tiny.csv");
        File.WriteAllLines(data, ["text,label", .. lines]);
        var save = Path.Combine(folder, "checkpoints");
        var train = CommandLine.Invoke("train", "--dataset", data, "--pooling", "han", "--seeds", "1", "--save", save, "--epochs", "3", "--embedding", "8", "--hidden", "8", "--lr", "0.01", "--jobs", "1");
        Assert.True(train.ExitCode == 0, train.Error);
        return Path.Combine(save, "tiny-han-seed1");
    }

    [Fact]
    public void Each_token_gets_the_libraries_four_scores_and_integrated_gradients_its_gap()
    {
        var checkpoint = Checkpoint();

        var (exitCode, output, error) = CommandLine.Invoke("explain", "--checkpoint", checkpoint, "beta filler2 more3 words", "gamma words");

        Assert.True(exitCode == 0, error);
        var predictor = Predictor.FromCheckpoint(checkpoint);
        string[] texts = ["beta filler2 more3 words", "gamma words"];
        var expected = Explainer.Explain(predictor, [.. texts.Select((t, i) => new EncodedExample(predictor.Vocabulary.Encode(predictor.Tokenizer.Tokenize(t)), 0, i))]);
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        foreach (var e in expected)
        {
            var at = lines.IndexOf($"text {e.Index + 1}: {texts[e.Index]}");
            Assert.True(at >= 0, output);
            Assert.Equal($"  predicted: {predictor.ClassNames[e.Predicted]} (p = {e.Probability.ToString("F3", CultureInfo.InvariantCulture)})", lines[at + 1]);
            Assert.Contains($"completeness gap {e.CompletenessGap.ToString("F4", CultureInfo.InvariantCulture)}", lines[at + 2]);
            for (var t = 0; t < e.Tokens.Count; t++)
            {
                var cells = lines[at + 4 + t].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                Assert.Equal(e.Tokens[t], cells[0]);
                double[] printed = [.. cells[1..].Select(c => double.Parse(c, CultureInfo.InvariantCulture))];
                double[] library = [e.Attention[t], e.GradientTimesInput[t], e.IntegratedGradients[t], e.LeaveOneOut[t]];
                for (var k = 0; k < 4; k++)
                {
                    Assert.Equal(library[k], printed[k], 3);
                }
            }

            Assert.True(e.Complete, $"text {e.Index}: gap {e.CompletenessGap}");
        }
    }

    [Fact]
    public void Over_a_file_with_marked_phrases_every_ranking_is_scored_and_written_per_text()
    {
        var checkpoint = Checkpoint();
        var file = Path.Combine(folder, "marked.csv");
        File.WriteAllLines(file, ["text,label,rationale", .. Enumerable.Range(0, 12).Select(i => $"\"filler{i % 7} {Words[i % 3]} more words\",{Words[i % 3]},{Words[i % 3]}")]);
        var csv = Path.Combine(folder, "figures.csv");

        var (exitCode, output, error) = CommandLine.Invoke("explain", "--checkpoint", checkpoint, "--rationales", file, "--out", csv);

        Assert.True(exitCode == 0, error);
        Assert.Contains("marked.csv: 12 texts, accuracy", output);
        foreach (var ranking in ExplanationStudy.Rankings)
        {
            Assert.Contains(output.Split('\n'), l => l.TrimStart().StartsWith(ranking, StringComparison.Ordinal));
        }

        var rows = File.ReadAllLines(csv);
        Assert.Equal("text,label,predicted,ranking,comprehensiveness_aopc,sufficiency_aopc,average_precision,recall_at_marked", rows[0]);
        Assert.Equal(12 * ExplanationStudy.Rankings.Count, rows.Length - 1);
    }

    [Theory]
    [InlineData("missing-checkpoint", "does not exist")]
    [InlineData("missing-rationales", "--rationales:")]
    [InlineData("no-rationale-column", "rationale")]
    [InlineData("out-without-rationales", "--out writes the figures of --rationales")]
    [InlineData("empty-text", "no text to explain")]
    public void Bad_input_is_one_line_that_names_the_problem(string @case, string message)
    {
        var checkpoint = @case == "missing-checkpoint" ? Path.Combine(folder, "nowhere") : Checkpoint();
        var plain = Path.Combine(folder, "plain.csv");
        File.WriteAllLines(plain, ["text,label", "\"alpha words\",alpha"]);
        string[] args = @case switch
        {
            "missing-checkpoint" => ["explain", "--checkpoint", checkpoint, "alpha"],
            "missing-rationales" => ["explain", "--checkpoint", checkpoint, "--rationales", Path.Combine(folder, "absent.csv")],
            "no-rationale-column" => ["explain", "--checkpoint", checkpoint, "--rationales", plain],
            "out-without-rationales" => ["explain", "--checkpoint", checkpoint, "--out", Path.Combine(folder, "x.csv"), "alpha"],
            _ => ["explain", "--checkpoint", checkpoint, " "],
        };

        var (exitCode, _, error) = CommandLine.Invoke(args);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", error);
    }
}
