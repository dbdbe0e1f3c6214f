namespace TextAttention.Cli;

/// <summary>Where this checkout is and where its data folder is: repository knowledge that only the command line needs.</summary>
public static class Repository
{
    /// <summary>The variable that points the data folder elsewhere (the CI points it at the shared development corpora).</summary>
    public const string DataVariable = "TEXTATTENTION_DATA";

    /// <summary>
    /// The folder holding <c>Notebooks.sln</c>, found upwards from the working directory or from this
    /// program; the working directory when neither has one.
    /// </summary>
    public static string Root()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Notebooks.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return Environment.CurrentDirectory;
    }

    /// <summary>
    /// The checkout the current directory is in (the nearest folder upwards holding <c>Notebooks.sln</c>), for the
    /// defaults of options that point into it; outside a checkout, an error that asks for <paramref name="option"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The current directory is not inside a checkout.</exception>
    public static string Checkout(string option)
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Notebooks.sln")))
            {
                return dir.FullName;
            }
        }

        throw new ArgumentException($"{Environment.CurrentDirectory} is not inside a checkout of this project (no Notebooks.sln above it), so {option} has no default; give {option}.");
    }

    /// <summary>The data folder: <c>--data-dir</c> when given, else <c>TEXTATTENTION_DATA</c>, else the repository's <c>data/</c>.</summary>
    public static string DataFolder(DirectoryInfo? option) =>
        option is not null ? option.FullName
        : Environment.GetEnvironmentVariable(DataVariable) is { Length: > 0 } variable ? Path.GetFullPath(variable)
        : Path.Combine(Root(), "data");
}
