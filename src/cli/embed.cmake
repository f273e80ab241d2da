# Turns a text file into a C source defining
#   const char ws_default_scenario_text[]; const char ws_default_scenario_name[];
# Run as: cmake -DIN=file -DOUT=file.c -P embed.cmake
file(READ ${IN} content HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," content "${content}")
get_filename_component(base ${IN} NAME)
file(WRITE ${OUT} "/* Generated from ${base} by src/cli/embed.cmake; do not edit. */\n"
  "#include <stddef.h>\n"
  "extern const char ws_default_scenario_text[];\n"
  "extern const size_t ws_default_scenario_len;\n"
  "extern const char ws_default_scenario_name[];\n"
  "const char ws_default_scenario_text[] = {${content} 0x00};\n"
  "const size_t ws_default_scenario_len = sizeof ws_default_scenario_text - 1;\n"
  "const char ws_default_scenario_name[] = \"${base}\";\n")
