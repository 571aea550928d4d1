# One library target per module (shoal_<module>, '/' -> '_'), from cmake/layers.txt.
# Each module target compiles with ONLY its own headers and those of the modules it may use (the transitive
# closure of its row, temporary exceptions included) visible: a generated include dir of symlinks
# ${CMAKE_BINARY_DIR}/layers/<module>/shoal/<allowed> -> include/shoal/<allowed>. An include against the
# direction therefore fails to compile ("No such file or directory").

set(SHOAL_LAYERS_FILE ${CMAKE_CURRENT_SOURCE_DIR}/cmake/layers.txt)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${SHOAL_LAYERS_FILE})

function(shoal_target_name out module)
  string(REPLACE "/" "_" name "${module}")
  set(${out} shoal_${name} PARENT_SCOPE)
endfunction()

# Reads layers.txt into SHOAL_MODULES (in file order) and, per module, SHOAL_USES_<name> (direct edges)
# and SHOAL_EXCEPT_<name> (temporary exceptions).
function(shoal_read_layers)
  file(STRINGS ${SHOAL_LAYERS_FILE} lines)
  set(modules)
  foreach(line IN LISTS lines)
    string(STRIP "${line}" line)
    if(line STREQUAL "" OR line MATCHES "^#")
      continue()
    endif()
    if(NOT line MATCHES "^(exception[ \t]+)?([a-z/_]+):[ \t]*(.*)$")
      message(FATAL_ERROR "layers.txt: cannot read line: ${line}")
    endif()
    set(is_exception "${CMAKE_MATCH_1}")
    set(module ${CMAKE_MATCH_2})
    string(REGEX REPLACE "[ \t]+" ";" uses "${CMAKE_MATCH_3}")
    string(REPLACE "/" "_" key "${module}")
    if(is_exception)
      set(SHOAL_EXCEPT_${key} ${uses} PARENT_SCOPE)
    else()
      list(APPEND modules ${module})
      set(SHOAL_USES_${key} ${uses} PARENT_SCOPE)
    endif()
  endforeach()
  set(SHOAL_MODULES ${modules} PARENT_SCOPE)
endfunction()

# The modules `module` may include: itself, its row, exceptions, and all of theirs (cycles allowed).
function(shoal_allowed out module)
  set(seen)
  set(todo ${module})
  while(todo)
    list(POP_FRONT todo m)
    if(m IN_LIST seen)
      continue()
    endif()
    list(APPEND seen ${m})
    string(REPLACE "/" "_" key "${m}")
    list(APPEND todo ${SHOAL_USES_${key}} ${SHOAL_EXCEPT_${key}})
  endwhile()
  set(${out} ${seen} PARENT_SCOPE)
endfunction()

# The include dir of symlinks for `module`.
function(shoal_layer_include_dir out module)
  string(REPLACE "/" "_" key "${module}")
  set(root ${CMAKE_BINARY_DIR}/layers/${key})
  file(REMOVE_RECURSE ${root})
  shoal_allowed(allowed ${module})
  # A link per header, not per folder: a module nested in another's folder (wire/ext in wire) stays hidden from
  # a module allowed only the outer one. A new header re-runs the configure step (CONFIGURE_DEPENDS).
  foreach(m IN LISTS allowed)
    file(MAKE_DIRECTORY ${root}/shoal/${m})
    file(GLOB headers CONFIGURE_DEPENDS LIST_DIRECTORIES false ${CMAKE_CURRENT_SOURCE_DIR}/include/shoal/${m}/*)
    foreach(h IN LISTS headers)
      get_filename_component(name ${h} NAME)
      file(CREATE_LINK ${h} ${root}/shoal/${m}/${name} SYMBOLIC)
    endforeach()
  endforeach()
  set(${out} ${root} PARENT_SCOPE)
endfunction()

# shoal_add_module(MODULE [LIBS lib...] [PRIVATE_LIBS lib...]): the static library of src/<module>/*.cpp,
# linked PUBLIC to the targets of its row and exceptions, and to LIBS; PRIVATE to PRIVATE_LIBS.
function(shoal_add_module module)
  cmake_parse_arguments(arg "" "" "LIBS;PRIVATE_LIBS" ${ARGN})
  shoal_target_name(target ${module})
  shoal_glob_sources(sources ${module})
  add_library(${target} STATIC ${sources})
  shoal_layer_include_dir(dir ${module})
  target_include_directories(${target} PUBLIC ${dir})
  string(REPLACE "/" "_" key "${module}")
  foreach(m IN LISTS SHOAL_USES_${key} SHOAL_EXCEPT_${key})
    shoal_target_name(dep ${m})
    target_link_libraries(${target} PUBLIC ${dep})
  endforeach()
  target_link_libraries(${target} PUBLIC ${arg_LIBS} PRIVATE ${arg_PRIVATE_LIBS})
  target_compile_definitions(${target} PRIVATE SHOAL_VERSION="${PROJECT_VERSION}")
  shoal_warnings(${target})
endfunction()
