namespace TextAttention.Tests;

/// <summary>Paths in the repository under test, found from the test assembly's folder.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>The data folder a user of this checkout would have: TEXTATTENTION_DATA when set (CI points it at the shared corpora), else data/.</summary>
    public static string DataFolder { get; } =
        Environment.GetEnvironmentVariable("TEXTATTENTION_DATA") is { Length: > 0 } folder ? System.IO.Path.GetFullPath(folder) : Path("data");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Notebooks.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Notebooks.sln above {AppContext.BaseDirectory}; run the tests from the repository.");
    }

    /// <summary>Runs a program to completion and returns its exit code and combined output.</summary>
    public static (int ExitCode, string Output) Run(string fileName, string workingDirectory, params string[] arguments) =>
        Run(fileName, workingDirectory, new Dictionary<string, string>(), arguments);

    /// <summary>Runs a program with these environment variables set on top of this process's.</summary>
    public static (int ExitCode, string Output) Run(string fileName, string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

}
