
namespace TextAttention.Tests.Cli;

public sealed class CommandsTests
{
    [Fact]
    public void Help_lists_the_commands_and_succeeds()
    {
        var (exitCode, output, _) = CommandLine.Invoke("--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("reproduce", output);
        Assert.Contains("fix-native", output);
    }

    [Theory]
    [InlineData("reproduce --profile fast", "fast")]
    [InlineData("reproduce --timeout-minutes 0", "--timeout-minutes must be at least 1")]
    [InlineData("train-everything", "train-everything")]
    public void A_bad_option_fails_with_a_message_naming_it(string commandLine, string named)
    {
        var (exitCode, _, error) = CommandLine.Invoke(commandLine.Split(' '));

        Assert.NotEqual(0, exitCode);
        Assert.Contains(named, error);
    }

    [Fact]
    public void The_corpus_command_prints_statistics_of_the_synthetic_corpus()
    {
        var (exitCode, output, _) = CommandLine.Invoke("corpus", "--dataset", "synthetic");

        Assert.Equal(0, exitCode);
        Assert.StartsWith("synthetic: 6000 train / 1000 validation / 1000 test", output);
        Assert.Contains("class-A", output);
    }

    [Fact]
    public void A_bad_data_file_is_one_line_on_stderr_not_a_stack_trace()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("textattention-cli-").FullName, "broken.csv");
        File.WriteAllText(path, "text,label\n\"unterminated,1\nb,0\n");
        var (exitCode, _, error) = CommandLine.Invoke("corpus", "--dataset", path);

        Assert.Equal(1, exitCode);
        Assert.Equal($"error: {path}:2: the record cannot be parsed: an unterminated or misplaced quote", error.Trim());
    }
}
