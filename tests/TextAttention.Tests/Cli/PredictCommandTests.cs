using System.Globalization;
using TextAttention.Inference;

namespace TextAttention.Tests.Cli;

/// <summary><c>predict</c> on checkpoints that <c>train --save</c> wrote, and on bad checkpoints and texts.</summary>
[Collection("training")]
public sealed class PredictCommandTests
{
    private static readonly Lazy<string> Saved = new(() =>
    {
        var folder = Directory.CreateTempSubdirectory("textattention-save-").FullName;
        var (exitCode, _, error) = CommandLine.Invoke("train", "--pooling", "dot-self-unmasked", "--seeds", "3", "--epochs", "1",
            "--embedding", "16", "--hidden", "16", "--save", folder);
        Assert.True(exitCode == 0, error);
        return Path.Combine(folder, "synthetic-dot-self-unmasked-seed3");
    });

    [Fact]
    public void Predict_prints_the_class_and_every_tokens_weight_that_the_library_computes_for_the_same_sentence()
    {
        const string sentence = "the service was not good at all";

        var (exitCode, output, error) = CommandLine.Invoke("predict", "--checkpoint", Saved.Value, sentence);

        Assert.True(exitCode == 0, error);
        var expected = Predictor.FromCheckpoint(Saved.Value).Predict(sentence);
        Assert.Contains($"text 1: {sentence}", output);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"predicted: {expected.PredictedName} (p = {expected.Probabilities[expected.Predicted]:F3})"), output);
        var weights = string.Join(" ", expected.Tokens.Select((t, i) => string.Create(CultureInfo.InvariantCulture, $"{t}:{expected.Weights[i]:F3}")));
        Assert.Contains($"  weights: {weights}", output);
        Assert.Equal(7, expected.Tokens.Count);
    }

    [Fact]
    public void Several_texts_are_answered_in_order()
    {
        var (exitCode, output, _) = CommandLine.Invoke("predict", "--checkpoint", Saved.Value, "--top", "0", "good food", "the room was bad and dirty");

        Assert.Equal(0, exitCode);
        Assert.True(output.IndexOf("text 1: good food", StringComparison.Ordinal) < output.IndexOf("text 2: the room", StringComparison.Ordinal));
        Assert.DoesNotContain("largest weights", output);
    }

    [Fact]
    public void A_folder_that_is_not_a_checkpoint_is_one_line_naming_it()
    {
        var folder = Directory.CreateTempSubdirectory("textattention-empty-").FullName;

        var (exitCode, _, error) = CommandLine.Invoke("predict", "--checkpoint", folder, "some text");

        Assert.Equal(1, exitCode);
        Assert.Equal($"error: {folder} is not a checkpoint: it has no config.json (train --save DIR writes one folder per run).", error.Trim());
    }

    [Theory]
    [InlineData("config.json", "{ not json", "not a checkpoint manifest")]
    [InlineData("weights.bin", "these are not weights", "the weights do not load")]
    [InlineData("vocabulary.txt", "", "the file is empty")]
    public void A_damaged_checkpoint_file_is_named(string file, string content, string message)
    {
        var copy = Directory.CreateTempSubdirectory("textattention-damaged-").FullName;
        foreach (var source in Directory.GetFiles(Saved.Value))
        {
            File.Copy(source, Path.Combine(copy, Path.GetFileName(source)));
        }

        File.WriteAllText(Path.Combine(copy, file), content);

        var (exitCode, _, error) = CommandLine.Invoke("predict", "--checkpoint", copy, "some text");

        Assert.Equal(1, exitCode);
        Assert.StartsWith($"error: {Path.Combine(copy, file)}", error);
        Assert.Contains(message, error);
    }

    [Fact]
    public void An_empty_text_is_refused()
    {
        var (exitCode, _, error) = CommandLine.Invoke("predict", "--checkpoint", Saved.Value, "good food", " ");

        Assert.Equal(1, exitCode);
        Assert.Contains("text 2 is empty", error);
    }
}
