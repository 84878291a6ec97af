/*
 * elf_weaken_verneed FILE VERSION
 *
 * Sets VER_FLG_WEAK on the version-needed entry VERSION (e.g. GLIBCXX_3.4.32)
 * in FILE's .gnu.version_r section. glibc's loader rejects a library whose
 * non-weak version requirement the providing library lacks, even when no
 * symbol is bound to that version any more (patchelf --clear-symbol-version
 * only unbinds the symbol). A weak requirement is only a warning.
 *
 * Exit codes: 0 changed, 3 already weak, 4 VERSION not needed by FILE,
 * 1 usage/I-O error, 2 not a 64-bit little-endian ELF.
 * Idempotent: running it twice leaves the file as after the first run.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *msg, const char *file) {
    fprintf(stderr, "elf_weaken_verneed: %s: %s\n", file, msg);
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: elf_weaken_verneed FILE VERSION\n");
        return 1;
    }
    const char *path = argv[1], *want = argv[2];
    FILE *f = fopen(path, "r+b");
    if (!f) return fail("cannot open", path);
    if (fseek(f, 0, SEEK_END) != 0) return fail("cannot seek", path);
    long size = ftell(f);
    if (size < (long)sizeof(Elf64_Ehdr)) return fail("too small for ELF", path);
    unsigned char *buf = malloc((size_t)size);
    if (!buf) return fail("out of memory", path);
    rewind(f);
    if (fread(buf, 1, (size_t)size, f) != (size_t)size) return fail("short read", path);

    Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_ident[EI_DATA] != ELFDATA2LSB) {
        fprintf(stderr, "elf_weaken_verneed: %s: not a 64-bit little-endian ELF\n", path);
        return 2;
    }
    if (eh->e_shoff + (Elf64_Off)eh->e_shnum * sizeof(Elf64_Shdr) > (Elf64_Off)size)
        return fail("section headers out of range", path);
    Elf64_Shdr *sh = (Elf64_Shdr *)(buf + eh->e_shoff);
    for (int i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_type != SHT_GNU_verneed) continue;
        if (sh[i].sh_link >= eh->e_shnum) return fail("bad sh_link", path);
        const char *strtab = (const char *)(buf + sh[sh[i].sh_link].sh_offset);
        Elf64_Off off = sh[i].sh_offset;
        for (;;) {
            Elf64_Verneed *vn = (Elf64_Verneed *)(buf + off);
            Elf64_Off aoff = off + vn->vn_aux;
            for (int a = 0; a < vn->vn_cnt; a++) {
                Elf64_Vernaux *va = (Elf64_Vernaux *)(buf + aoff);
                if (strcmp(strtab + va->vna_name, want) == 0) {
                    if (va->vna_flags & VER_FLG_WEAK) {
                        printf("%s: %s already weak\n", path, want);
                        return 3;
                    }
                    va->vna_flags |= VER_FLG_WEAK;
                    if (fseek(f, (long)((unsigned char *)&va->vna_flags - buf), SEEK_SET) != 0 ||
                        fwrite(&va->vna_flags, sizeof va->vna_flags, 1, f) != 1 || fclose(f) != 0)
                        return fail("write failed", path);
                    printf("%s: %s marked weak\n", path, want);
                    return 0;
                }
                if (!va->vna_next) break;
                aoff += va->vna_next;
            }
            if (!vn->vn_next) break;
            off += vn->vn_next;
        }
    }
    printf("%s: %s not required\n", path, want);
    return 4;
}
