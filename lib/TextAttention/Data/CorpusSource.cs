namespace TextAttention.Data;

/// <summary>One file of a published corpus, as its pinned sources serve it.</summary>
/// <param name="Name">The file name, e.g. <c>test.csv</c>.</param>
/// <param name="Sha256">Its SHA-256 in hex when the exact bytes are known and were checked; null when only its shape is known.</param>
/// <param name="Rows">How many records it holds; null for a file that is not a data file (a class list).</param>
public sealed record SourceFile(string Name, string? Sha256, int? Rows = null);

/// <summary>How a corpus is put together from the files of its data folder.</summary>
public enum CorpusDefinition
{
    /// <summary>
    /// Whatever the folder holds: the corpus's own splits where present, else the splits that
    /// <see cref="Corpora"/> documents for the files present. For exploring; numbers depend on the folder.
    /// </summary>
    Available,

    /// <summary>
    /// The files behind this project's published numbers, and only those, each checked against its SHA-256:
    /// <see cref="CorpusSource.Published"/>. The same numbers whatever else sits in the folder.
    /// </summary>
    Published,

    /// <summary>The corpus's official splits, large training files included (hours, not minutes, on two cores).</summary>
    Official,
}

/// <summary>One address a corpus's files can be downloaded from: a folder at a fixed commit.</summary>
/// <param name="Base">The folder's address, ending in '/'.</param>
/// <param name="Names">Where a mirror names a file differently from the data folder (local name → its name there).</param>
public sealed record Mirror(Uri Base, IReadOnlyDictionary<string, string>? Names = null)
{
    /// <summary>The address of the file called <paramref name="file"/> in the data folder.</summary>
    public Uri Address(string file) => new(Base, Names?.GetValueOrDefault(file) ?? file);

    public static implicit operator Mirror(Uri folder) => new(folder);
}

/// <summary>Where a published corpus comes from and how its files look: the recipe <see cref="Corpora"/> loads it by.</summary>
/// <param name="Mirrors">Folders at fixed commits, tried in order; every file is checked against <paramref name="Files"/> whichever serves it.</param>
/// <param name="ClassFile">The file that names the classes, one per line; null when the labels are the names (<paramref name="DefaultClasses"/>).</param>
/// <param name="Published">The data files of <see cref="CorpusDefinition.Published"/>.</param>
/// <param name="Files">Every file the sources serve, by name.</param>
public sealed record CorpusSource(
    string Folder,
    string Title,
    IReadOnlyList<Mirror> Mirrors,
    string[] Train,
    string[] Validation,
    string[] Test,
    string[] Published,
    string? ClassFile,
    int FirstCode,
    IReadOnlyDictionary<string, SourceFile> Files,
    IReadOnlyList<string> DefaultClasses,
    LabelledFileLayout Layout,
    string TokenizerName,
    Func<string, string>? Clean)
{
    /// <summary>The data files of the official splits: train, validation, test.</summary>
    public string[] DataFiles => [.. Train, .. Validation, .. Test];

    /// <summary><paramref name="files"/> with the class file, when the corpus has one.</summary>
    public string[] WithClassFile(IEnumerable<string> files) => ClassFile is null ? [.. files] : [.. files, ClassFile];
}
