// Makes TorchSharp 0.107.0's native bridge loadable on Linux systems whose libstdc++ is older than
// GCC 13's (Debian 12, Ubuntu 22.04).
//
// libLibTorchSharp.so lists, in its .gnu.version_r section, a requirement on libstdc++.so.6 at
// version GLIBCXX_3.4.32. Only one symbol carries that version (_ZSt21ios_base_library_initv) and
// no relocation uses it: GCC 13's <iostream> emits it as a bare .globl reference. The dynamic
// loader still refuses the library when the version is missing, unless the requirement is marked
// weak (VER_FLG_WEAK in vna_flags), in which case glibc only notes it. That flag is the one byte
// this file changes.
//
// The same source is compiled twice: into the small TextAttention.NativeFix assembly (the notebook session, the CLI and the tests call it)
// and, by MSBuild's RoslynCodeTaskFactory, into the build task that Directory.Build.props runs
// after every build. It therefore sticks to APIs and syntax that both compilers accept.

#nullable enable

using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace TextAttention.NativeFix
{
    /// <summary>A file that is not an ELF image this code understands. Nothing was written.</summary>
    public sealed class ElfFormatException : Exception
    {
        public ElfFormatException(string path, string problem)
            : base(path + ": not patched: " + problem)
        {
            FilePath = path;
            Problem = problem;
        }

        public string FilePath { get; }

        public string Problem { get; }
    }

    /// <summary>What <see cref="ElfVersionRequirement.MarkWeak"/> did to a file.</summary>
    public enum WeakVersionOutcome
    {
        /// <summary>The requirement was strong; its flag is now weak and the file was replaced.</summary>
        Patched,

        /// <summary>The requirement was already weak; the file was not touched.</summary>
        AlreadyWeak,

        /// <summary>The file does not require that version; the file was not touched.</summary>
        NotRequired,
    }

    /// <summary>One Vernaux entry: a needed library must define a version.</summary>
    public sealed class VersionRequirement
    {
        public VersionRequirement(string library, string version, ushort flags, long flagsOffset)
        {
            Library = library;
            Version = version;
            Flags = flags;
            FlagsOffset = flagsOffset;
        }

        /// <summary>The needed file, for example "libstdc++.so.6".</summary>
        public string Library { get; }

        /// <summary>The version name, for example "GLIBCXX_3.4.32".</summary>
        public string Version { get; }

        /// <summary>vna_flags; <see cref="ElfVersionRequirement.VerFlagWeak"/> marks a weak requirement.</summary>
        public ushort Flags { get; }

        /// <summary>Where vna_flags sits in the file.</summary>
        public long FlagsOffset { get; }

        public bool IsWeak
        {
            get { return (Flags & ElfVersionRequirement.VerFlagWeak) != 0; }
        }
    }

    /// <summary>
    /// Reads and edits the GNU symbol-versioning sections of 64-bit little-endian ELF files
    /// (x86-64 and AArch64 Linux shared objects).
    /// </summary>
    public static class ElfVersionRequirement
    {
        /// <summary>VER_FLG_WEAK from elf.h: a missing version is not fatal.</summary>
        public const ushort VerFlagWeak = 0x2;

        private const uint ShtStrtab = 3;
        private const uint ShtGnuVerdef = 0x6ffffffd;
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const int ElfHeaderSize = 64;
        private const int SectionHeaderSize = 64;

        /// <summary>
        /// Sets VER_FLG_WEAK on the requirement of <paramref name="version"/> from
        /// <paramref name="library"/> (for example "libstdc++.so.6" and "GLIBCXX_3.4.32"), and on
        /// nothing else. The file is validated completely before anything is written; the new
        /// content goes to a temporary copy beside it that then replaces the original in one rename.
        /// </summary>
        /// <exception cref="ElfFormatException">The file is not an ELF image this code understands.</exception>
        public static WeakVersionOutcome MarkWeak(string path, string library, string version)
        {
            byte[] image = File.ReadAllBytes(path);
            long flagsOffset = FindRequirementFlags(path, image, library, version);
            if (flagsOffset < 0)
            {
                return WeakVersionOutcome.NotRequired;
            }

            ushort flags = ReadUInt16(image, flagsOffset);
            if ((flags & VerFlagWeak) != 0)
            {
                return WeakVersionOutcome.AlreadyWeak;
            }

            ushort patched = (ushort)(flags | VerFlagWeak);
            string directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
            string temporary = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                // Copying keeps the file mode; then exactly two bytes change in the copy.
                File.Copy(path, temporary);
                using (FileStream stream = new FileStream(temporary, FileMode.Open, FileAccess.Write, FileShare.None))
                {
                    stream.Seek(flagsOffset, SeekOrigin.Begin);
                    stream.WriteByte((byte)(patched & 0xff));
                    stream.WriteByte((byte)(patched >> 8));
                    stream.Flush(true);
                }

                File.Replace(temporary, path, null);
            }
            finally
            {
                if (File.Exists(temporary))
                {
                    File.Delete(temporary);
                }
            }

            return WeakVersionOutcome.Patched;
        }

        /// <summary>The version requirements of an ELF file, in file order.</summary>
        public static IReadOnlyList<VersionRequirement> ReadRequirements(string path)
        {
            byte[] image = File.ReadAllBytes(path);
            List<VersionRequirement> result = new List<VersionRequirement>();
            WalkRequirements(path, image, (file, name, flagsOffset) =>
            {
                result.Add(new VersionRequirement(file, name, ReadUInt16(image, flagsOffset), flagsOffset));
                return false;
            });
            return result;
        }

        /// <summary>True when the ELF file defines (exports) symbol version <paramref name="version"/>.</summary>
        public static bool DefinesVersion(string path, string version)
        {
            byte[] image = File.ReadAllBytes(path);
            Section[] sections = ReadSections(path, image);
            foreach (Section section in sections)
            {
                if (section.Type != ShtGnuVerdef)
                {
                    continue;
                }

                Section strings = LinkedStringTable(path, image, sections, section);
                long offset = section.Offset;
                for (uint i = 0; i < section.Info; i++)
                {
                    Require(path, offset + 20 <= section.End, "a version definition runs past its section");
                    Require(path, ReadUInt16(image, offset) == 1, "unknown version-definition revision");
                    uint count = ReadUInt16(image, offset + 6);
                    uint aux = ReadUInt32(image, offset + 12);
                    uint next = ReadUInt32(image, offset + 16);
                    if (count > 0)
                    {
                        long auxOffset = offset + aux;
                        Require(path, auxOffset + 8 <= section.End, "a version-definition name runs past its section");
                        if (ReadString(path, image, strings, ReadUInt32(image, auxOffset)) == version)
                        {
                            return true;
                        }
                    }

                    if (next == 0)
                    {
                        break;
                    }

                    offset += next;
                }
            }

            return false;
        }

        /// <summary>The System V ABI's ELF hash, which vna_hash holds for each required version name.</summary>
        public static uint ElfHash(string name)
        {
            uint h = 0;
            foreach (byte b in Encoding.ASCII.GetBytes(name))
            {
                h = (h << 4) + b;
                uint g = h & 0xf0000000;
                if (g != 0)
                {
                    h ^= g >> 24;
                }

                h &= ~g;
            }

            return h;
        }

        private static long FindRequirementFlags(string path, byte[] image, string library, string version)
        {
            long found = -1;
            WalkRequirements(path, image, (file, name, flagsOffset) =>
            {
                if (file == library && name == version)
                {
                    found = flagsOffset;
                    return true;
                }

                return false;
            });
            return found;
        }

        // Calls visit(file, version, offset of vna_flags) for each Vernaux entry until it returns true.
        // Every offset is checked against its section and the file before it is read.
        private static void WalkRequirements(string path, byte[] image, Func<string, string, long, bool> visit)
        {
            Section[] sections = ReadSections(path, image);
            foreach (Section section in sections)
            {
                if (section.Type != ShtGnuVerneed)
                {
                    continue;
                }

                Section strings = LinkedStringTable(path, image, sections, section);
                long offset = section.Offset;
                for (uint i = 0; i < section.Info; i++)
                {
                    // Elf64_Verneed: vn_version(2) vn_cnt(2) vn_file(4) vn_aux(4) vn_next(4)
                    Require(path, offset + 16 <= section.End, "a version requirement runs past .gnu.version_r");
                    Require(path, ReadUInt16(image, offset) == 1, "unknown version-requirement revision " + ReadUInt16(image, offset));
                    uint count = ReadUInt16(image, offset + 2);
                    string file = ReadString(path, image, strings, ReadUInt32(image, offset + 4));
                    uint aux = ReadUInt32(image, offset + 8);
                    uint next = ReadUInt32(image, offset + 12);

                    long auxOffset = offset + aux;
                    for (uint j = 0; j < count; j++)
                    {
                        // Elf64_Vernaux: vna_hash(4) vna_flags(2) vna_other(2) vna_name(4) vna_next(4)
                        Require(path, auxOffset + 16 <= section.End, "a required version of " + file + " runs past .gnu.version_r");
                        uint hash = ReadUInt32(image, auxOffset);
                        string name = ReadString(path, image, strings, ReadUInt32(image, auxOffset + 8));
                        Require(path, hash == ElfHash(name), "the hash of required version " + name + " does not match its name");
                        if (visit(file, name, auxOffset + 4))
                        {
                            return;
                        }

                        uint auxNext = ReadUInt32(image, auxOffset + 12);
                        Require(path, auxNext != 0 || j == count - 1, "the required versions of " + file + " end before their count");
                        auxOffset += auxNext;
                    }

                    Require(path, next != 0 || i == section.Info - 1, "the version requirements end before their count");
                    offset += next;
                }
            }
        }

        private static Section[] ReadSections(string path, byte[] image)
        {
            Require(path, image.Length >= ElfHeaderSize, "shorter than an ELF header (" + image.Length + " bytes)");
            Require(path, image[0] == 0x7f && image[1] == (byte)'E' && image[2] == (byte)'L' && image[3] == (byte)'F', "no ELF magic number");
            Require(path, image[4] == 2, "not a 64-bit ELF file");
            Require(path, image[5] == 1, "not a little-endian ELF file");
            Require(path, image[6] == 1, "unknown ELF version " + image[6]);

            long tableOffset = (long)ReadUInt64(image, 0x28);
            int entrySize = ReadUInt16(image, 0x3a);
            int count = ReadUInt16(image, 0x3c);
            Require(path, count > 0, "no section headers");
            Require(path, entrySize == SectionHeaderSize, "section header size " + entrySize + ", expected " + SectionHeaderSize);
            Require(path, tableOffset >= ElfHeaderSize && tableOffset + ((long)count * SectionHeaderSize) <= image.Length, "section header table lies outside the file (truncated?)");

            Section[] sections = new Section[count];
            for (int i = 0; i < count; i++)
            {
                long at = tableOffset + ((long)i * SectionHeaderSize);
                Section section = new Section
                {
                    Index = i,
                    Type = ReadUInt32(image, at + 4),
                    Offset = (long)ReadUInt64(image, at + 0x18),
                    Size = (long)ReadUInt64(image, at + 0x20),
                    Link = ReadUInt32(image, at + 0x28),
                    Info = ReadUInt32(image, at + 0x2c),
                };

                const uint ShtNobits = 8;
                if (section.Type != ShtNobits && section.Type != 0)
                {
                    Require(path, section.Offset >= 0 && section.Size >= 0 && section.Offset + section.Size <= image.Length, "section " + i + " lies outside the file (truncated?)");
                }

                sections[i] = section;
            }

            return sections;
        }

        private static Section LinkedStringTable(string path, byte[] image, Section[] sections, Section owner)
        {
            Require(path, owner.Link < sections.Length, "section " + owner.Index + " links to a missing string table");
            Section strings = sections[owner.Link];
            Require(path, strings.Type == ShtStrtab, "section " + owner.Index + " links to a section that is not a string table");
            return strings;
        }

        private static string ReadString(string path, byte[] image, Section strings, uint offset)
        {
            Require(path, offset < strings.Size, "a name points outside its string table");
            long start = strings.Offset + offset;
            long end = start;
            while (end < strings.End && image[end] != 0)
            {
                end++;
            }

            Require(path, end < strings.End, "a name in the string table is not terminated");
            return Encoding.ASCII.GetString(image, (int)start, (int)(end - start));
        }

        private static void Require(string path, bool condition, string problem)
        {
            if (!condition)
            {
                throw new ElfFormatException(path, problem);
            }
        }

        private static ushort ReadUInt16(byte[] b, long at)
        {
            return (ushort)(b[at] | (b[at + 1] << 8));
        }

        private static uint ReadUInt32(byte[] b, long at)
        {
            return (uint)(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24));
        }

        private static ulong ReadUInt64(byte[] b, long at)
        {
            return ReadUInt32(b, at) | ((ulong)ReadUInt32(b, at + 4) << 32);
        }

        private sealed class Section
        {
            public int Index;
            public uint Type;
            public long Offset;
            public long Size;
            public uint Link;
            public uint Info;

            public long End
            {
                get { return Offset + Size; }
            }
        }
    }

    /// <summary>
    /// The policy: which requirement to weaken, in which files, and when it is needed at all.
    /// </summary>
    public static class TorchSharpNativeFix
    {
        /// <summary>The library whose version TorchSharp 0.107.0 over-asks for.</summary>
        public const string Library = "libstdc++.so.6";

        /// <summary>The version that GCC 13 introduced and Debian 12 / Ubuntu 22.04 lack.</summary>
        public const string Version = "GLIBCXX_3.4.32";

        /// <summary>The native file that carries the requirement.</summary>
        public const string NativeFileName = "libLibTorchSharp.so";

        /// <summary>
        /// True on Linux when no libstdc++.so.6 in the loader's usual folders (and LD_LIBRARY_PATH)
        /// defines <see cref="Version"/>. Elsewhere the fix has nothing to do.
        /// </summary>
        public static bool IsNeeded()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                return false;
            }

            foreach (string candidate in SystemLibstdcxxCandidates())
            {
                try
                {
                    if (File.Exists(candidate) && ElfVersionRequirement.DefinesVersion(candidate, Version))
                    {
                        return false;
                    }
                }
                catch (ElfFormatException)
                {
                    // Not one we can read; look at the next.
                }
            }

            return true;
        }

        /// <summary>
        /// Weakens the requirement in each existing file when <see cref="IsNeeded"/>; returns one line
        /// per file saying what happened. Files that are not ELF images are refused with an
        /// <see cref="ElfFormatException"/> and left unchanged.
        /// </summary>
        public static IReadOnlyList<string> Apply(IEnumerable<string> files)
        {
            List<string> report = new List<string>();
            if (!IsNeeded())
            {
                report.Add("libstdc++ provides " + Version + " (or this is not Linux): nothing to patch");
                return report;
            }

            foreach (string file in files)
            {
                if (!File.Exists(file))
                {
                    continue;
                }

                WeakVersionOutcome outcome = ElfVersionRequirement.MarkWeak(file, Library, Version);
                report.Add(outcome + ": " + file);
            }

            return report;
        }

        /// <summary>
        /// Every copy of libLibTorchSharp.so that a process using the given TorchSharp.dll may load:
        /// the package's own tree in the NuGet cache (including the lib/net8.0/cpu folder that
        /// TorchSharp fills for notebooks) and the application's runtimes folder.
        /// </summary>
        public static IReadOnlyList<string> CopiesNear(string torchSharpAssemblyPath, string applicationBase)
        {
            List<string> copies = new List<string>();
            // TorchSharp.dll sits at <cache>/torchsharp/<version>/lib/net8.0/TorchSharp.dll.
            DirectoryInfo? libFolder = new FileInfo(torchSharpAssemblyPath).Directory;
            DirectoryInfo? packageFolder = libFolder?.Parent?.Parent;
            if (packageFolder != null && packageFolder.Exists && File.Exists(Path.Combine(packageFolder.FullName, "torchsharp.nuspec")))
            {
                copies.AddRange(Directory.GetFiles(packageFolder.FullName, NativeFileName, SearchOption.AllDirectories));
            }

            if (Directory.Exists(applicationBase))
            {
                copies.AddRange(Directory.GetFiles(applicationBase, NativeFileName, SearchOption.AllDirectories));
            }

            return copies;
        }

        private static IEnumerable<string> SystemLibstdcxxCandidates()
        {
            List<string> folders = new List<string>();
            string? fromEnvironment = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            if (!string.IsNullOrEmpty(fromEnvironment))
            {
                folders.AddRange(fromEnvironment.Split(new[] { ':' }, StringSplitOptions.RemoveEmptyEntries));
            }

            string triplet = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
            folders.Add("/lib/" + triplet);
            folders.Add("/usr/lib/" + triplet);
            folders.Add("/lib64");
            folders.Add("/usr/lib64");
            folders.Add("/lib");
            folders.Add("/usr/lib");
            foreach (string folder in folders)
            {
                yield return Path.Combine(folder, Library);
            }
        }
    }

#if !TEXTATTENTION_LIBRARY
    /// <summary>The MSBuild face of <see cref="TorchSharpNativeFix"/> (see Directory.Build.props).</summary>
    public class PatchTorchSharpNative : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = new Microsoft.Build.Framework.ITaskItem[0];

        public override bool Execute()
        {
            List<string> paths = new List<string>();
            foreach (Microsoft.Build.Framework.ITaskItem item in Files)
            {
                paths.Add(item.GetMetadata("FullPath"));
            }

            try
            {
                foreach (string line in TorchSharpNativeFix.Apply(paths))
                {
                    Log.LogMessage(line.StartsWith("Patched", StringComparison.Ordinal) ? Microsoft.Build.Framework.MessageImportance.High : Microsoft.Build.Framework.MessageImportance.Low, "TorchSharp native fix: " + line);
                }
            }
            catch (ElfFormatException e)
            {
                Log.LogError("TorchSharp native fix: " + e.Message);
            }
            catch (IOException e)
            {
                Log.LogError("TorchSharp native fix: " + e.Message);
            }

            return !Log.HasLoggedErrors;
        }
    }
#endif
}
