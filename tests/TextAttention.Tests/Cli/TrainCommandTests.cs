using TextAttention.Data;

namespace TextAttention.Tests.Cli;

[Collection("training")]
public sealed class TrainCommandTests
{
    [Fact]
    public void Train_runs_on_the_synthetic_corpus_and_writes_results_curves_items_and_the_test_file_accuracy()
    {
        var folder = Directory.CreateTempSubdirectory("textattention-train-").FullName;
        var results = Path.Combine(folder, "results.csv");
        var external = Path.Combine(folder, "extra.csv");
        var extra = SyntheticCorpus.Generate(new SyntheticOptions(Train: 1, Validation: 0, Test: 40, Seed: 99)).Test;
        File.WriteAllLines(external, ["text,label", .. extra.Select(e => $"{e.Text},class-{(char)('A' + e.Label)}")]);

        var (exitCode, output, error) = CommandLine.Invoke("train", "--pooling", "mean,han", "--seeds", "1", "--epochs", "1", "--lr", "0.005",
            "--embedding", "16", "--hidden", "16", "--out", results, "--test-file", external, "--jobs", "1");

        Assert.True(exitCode == 0, error);
        Assert.Contains("synthetic  mean", output);
        Assert.Contains("--test-file accuracy", output);
        var lines = File.ReadAllLines(results);
        Assert.Equal(3, lines.Length);   // header and two runs
        Assert.Equal("dataset,pooling,seed,best_epoch,test_accuracy,test_macro_f1,best_validation_accuracy,evidence_mass,real_token_share,data,learning_rate,epochs_run,stopped_early,a_row_entropy,a_diagonal_mass,a_column_sum_cv,a_uniform_share,test_file_accuracy", lines[0]);
        // The accuracy on the extra file is in the results file, as the console printed it.
        var printed = System.Text.RegularExpressions.Regex.Matches(output, @"--test-file accuracy (\d+\.\d+) %").Select(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var written = lines.Skip(1).Select(l => 100 * double.Parse(l.Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(printed, written.Select(w => Math.Round(w, 2)));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(folder, "results.items.csv")).Length);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(folder, "results.history.csv")).Length);
        Assert.Contains($"wrote {results}, {Path.Combine(folder, "results.history.csv")}, {Path.Combine(folder, "results.items.csv")}", output);
    }

    [Fact]
    public void By_default_train_chooses_each_poolings_rate_as_the_published_study_does()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("textattention-train-").FullName, "small.csv");
        string[] words = ["alpha", "beta", "gamma"];
        File.WriteAllLines(path, ["text,label", .. Enumerable.Range(0, 90).Select(i => $"{words[i % 3]} filler{i % 7} more{i % 5},{words[i % 3]}")]);

        var (exitCode, output, error) = CommandLine.Invoke("train", "--dataset", path, "--pooling", "mean", "--seeds", "1", "--epochs", "1",
            "--embedding", "8", "--hidden", "8", "--jobs", "1");

        Assert.True(exitCode == 0, error);
        Assert.Contains("learning-rate search (validation only, tuning seeds): 8 runs", output);   // 4 candidates × tuning seeds 101 and 102
        Assert.Matches(@"small mean: learning rate \d", output);
    }

    [Theory]
    [InlineData("--pooling han,attention_3", "'attention_3' is not a pooling")]
    [InlineData("--seeds 1,two", "--seeds: 'two' is not a whole number")]
    [InlineData("--epochs 0", "--epochs must be a whole number from 1")]
    [InlineData("--lr -1", "--lr must be 'tune' or a number in (0, 1]")]
    [InlineData("--lr fast", "--lr must be 'tune' or a number in (0, 1]")]
    [InlineData("--seeds 101", "101, 102 chooses the learning rates, so it cannot also be a reported seed")]
    public void Bad_options_fail_before_any_training(string options, string message)
    {
        var (exitCode, _, error) = CommandLine.Invoke(["train", .. options.Split(' ')]);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, error);
    }

    [Fact]
    public void A_missing_dataset_file_is_one_line_on_stderr()
    {
        var (exitCode, _, error) = CommandLine.Invoke("train", "--dataset", "/nonexistent/reviews.csv");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("'/nonexistent/reviews.csv' is neither a corpus", error);
    }
}
