using System.Buffers.Binary;

namespace Ferry.Cli.Tests;

/// <summary>Stand-ins for a ferry executable: a 64-bit little-endian ELF header and program headers (PT_LOAD, plus
/// PT_INTERP and PT_DYNAMIC when dynamically linked) followed by random bytes.</summary>
internal static class TestElf
{
    public static byte[] Executable(ushort machine, bool dynamic, int size)
    {
        var elf = new byte[size];
        new Random(machine + (dynamic ? 1 : 0)).NextBytes(elf);
        "\u007fELF"u8.CopyTo(elf);
        elf[4] = 2; // ELFCLASS64
        elf[5] = 1; // little-endian
        elf[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(16), 2); // ET_EXEC
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(18), machine);
        BinaryPrimitives.WriteUInt32LittleEndian(elf.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(elf.AsSpan(32), 64); // e_phoff
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(52), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(54), 56);
        uint[] types = dynamic ? [6, 3, 1, 2] : [1, 1, 4]; // PHDR, INTERP, LOAD, DYNAMIC / LOAD, LOAD, NOTE
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(56), (ushort)types.Length);
        for (var i = 0; i < types.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(elf.AsSpan(64 + i * 56), types[i]);
        }
        return elf;
    }
}
