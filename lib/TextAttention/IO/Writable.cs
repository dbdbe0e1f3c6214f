namespace TextAttention.IO;

/// <summary>Checks, before any work, that an output location can be written: so a long run does not fail at its end.</summary>
public static class Writable
{
    /// <summary>
    /// Null when files can be created in <paramref name="folder"/> (it exists and is writable, or it can be created
    /// under its nearest existing parent); otherwise the problem, naming the path. A probe file is created and deleted
    /// at once in the nearest existing folder.
    /// </summary>
    public static string? Problem(string folder)
    {
        var full = Path.GetFullPath(folder);
        if (File.Exists(full))
        {
            return $"{full} is a file, not a folder";
        }

        var existing = full;
        while (!Directory.Exists(existing))
        {
            var parent = Path.GetDirectoryName(existing);
            if (parent is null)
            {
                return $"{full}: no part of the path exists";
            }

            if (File.Exists(parent))
            {
                return $"{full}: {parent} is a file, not a folder";
            }

            existing = parent;
        }

        try
        {
            using var probe = new FileStream(Path.Combine(existing, $".write-probe-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            return null;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return $"{existing} cannot be written ({e.Message.TrimEnd('.')})";
        }
    }

    /// <summary>Null when <paramref name="file"/> can be written: not a folder, and its folder writable (<see cref="Problem"/>).</summary>
    public static string? FileProblem(string file)
    {
        var full = Path.GetFullPath(file);
        if (Directory.Exists(full))
        {
            return $"{full} is a folder, not a file";
        }

        if (File.Exists(full) && (File.GetAttributes(full) & FileAttributes.ReadOnly) != 0)
        {
            return $"{full} is read-only";
        }

        return Problem(Path.GetDirectoryName(full) ?? full);
    }
}
