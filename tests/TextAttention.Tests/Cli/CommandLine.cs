using System.CommandLine;
using TextAttention.Cli;

namespace TextAttention.Tests.Cli;

/// <summary>Runs the command-line tool in-process with captured output and error streams.</summary>
internal static class CommandLine
{
    public static (int ExitCode, string Output, string Error) Invoke(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = Commands.Build().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
