using System.CommandLine;
using TextAttention.Cli;

namespace TextAttention.Tests.Cli;

public sealed class CommandsTests
{
    private static (int ExitCode, string Output, string Error) Invoke(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = Commands.Build().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public void Help_lists_the_commands_and_succeeds()
    {
        var (exitCode, output, _) = Invoke("--help");

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
        var (exitCode, _, error) = Invoke(commandLine.Split(' '));

        Assert.NotEqual(0, exitCode);
        Assert.Contains(named, error);
    }
}
