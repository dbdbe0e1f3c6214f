namespace TextAttention.Tests.Data;

/// <summary>Writes test data files into a fresh temporary folder.</summary>
internal static class Files
{
    public static string Folder() => Directory.CreateTempSubdirectory("textattention-data-").FullName;

    public static string Write(string content, string name = "data.csv", string? folder = null)
    {
        var path = Path.Combine(folder ?? Folder(), name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public static string WriteBytes(byte[] content, string name = "data.csv")
    {
        var path = Path.Combine(Folder(), name);
        File.WriteAllBytes(path, content);
        return path;
    }
}
