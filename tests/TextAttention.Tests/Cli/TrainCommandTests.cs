using TextAttention.Data;

namespace TextAttention.Tests.Cli;

[Collection("training")]
public sealed class TrainCommandTests
{
    [Fact]
    public void Train_runs_on_the_synthetic_corpus_and_writes_results_and_curves()
    {
        var folder = Directory.CreateTempSubdirectory("textattention-train-").FullName;
        var results = Path.Combine(folder, "results.csv");
        var external = Path.Combine(folder, "extra.csv");
        var extra = SyntheticCorpus.Generate(new SyntheticOptions(Train: 1, Validation: 0, Test: 40, Seed: 99)).Test;
        File.WriteAllLines(external, ["text,label", .. extra.Select(e => $"{e.Text},class-{(char)('A' + e.Label)}")]);

        var (exitCode, output, error) = CommandLine.Invoke("train", "--pooling", "mean,han", "--seeds", "1", "--epochs", "1",
            "--embedding", "16", "--hidden", "16", "--out", results, "--test-file", external);

        Assert.True(exitCode == 0, error);
        Assert.Contains("synthetic  mean", output);
        Assert.Contains("--test-file accuracy", output);
        var lines = File.ReadAllLines(results);
        Assert.Equal(3, lines.Length);   // header and two runs
        Assert.Equal("dataset,pooling,seed,best_epoch,test_accuracy,test_macro_f1,best_validation_accuracy,evidence_mass,real_token_share,data", lines[0]);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(folder, "results.history.csv")).Length);
    }

    [Theory]
    [InlineData("--pooling han,attention_3", "'attention_3' is not a pooling")]
    [InlineData("--seeds 1,two", "--seeds must be a comma-separated list")]
    [InlineData("--epochs 0", "--epochs must be at least 1")]
    [InlineData("--lr -1", "--lr must be in (0, 1]")]
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

        Assert.Equal(1, exitCode);
        Assert.Equal("error: /nonexistent/reviews.csv: no such file", error.Trim());
    }
}
