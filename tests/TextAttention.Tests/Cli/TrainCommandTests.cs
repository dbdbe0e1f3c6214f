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
        Assert.Equal("dataset,pooling,seed,best_epoch,test_accuracy,test_macro_f1,best_validation_accuracy,evidence_mass,real_token_share,data,learning_rate,epochs_run,stopped_early,a_row_entropy,a_diagonal_mass,a_column_sum_cv,a_uniform_share", lines[0]);
        Assert.Matches(@"choosing each pooling's learning rate from 0\.001, 0\.002, 0\.005", output);   // the default: the published rule
        Assert.Matches(@"mean seed 1 \(lr 0\.00[125]\)", output);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(folder, "results.items.csv")).Length);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(folder, "results.history.csv")).Length);
    }

    [Theory]
    [InlineData("--pooling han,attention_3", "'attention_3' is not a pooling")]
    [InlineData("--seeds 1,two", "--seeds must be a comma-separated list")]
    [InlineData("--epochs 0", "--epochs must be at least 1")]
    [InlineData("--lr -1", "--lr must be 'tune' or a number in (0, 1]")]
    [InlineData("--lr fast", "--lr must be 'tune' or a number in (0, 1]")]
    [InlineData("--seeds 101", "seed 101 chooses the learning rates")]
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
