# moneytrail_library(NAME name SRCS ... [DEPS ...])
#   Declares the static library moneytrail_<name> (alias moneytrail::<name>) for one module of
#   src/. Public headers live in include/moneytrail/; internal headers next to their .cc files.
# moneytrail_test(NAME name SRCS ... [DEPS ...] [LABELS ...] [WHOLE])
#   Declares a GoogleTest binary registered with CTest, one test per TEST(). Tests labelled
#   "slow" are excluded from `make test` and run by `make test-slow`. WHOLE registers the binary
#   as one CTest test instead, for suites whose SetUpTestSuite does expensive work once (CTest
#   runs each discovered TEST in a process of its own).

set(MONEYTRAIL_WARNINGS -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(MONEYTRAIL_WERROR)
  list(APPEND MONEYTRAIL_WARNINGS -Werror)
endif()
if(MONEYTRAIL_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

set_property(GLOBAL PROPERTY MONEYTRAIL_LIBRARIES "")

function(moneytrail_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  set(target moneytrail_${ARG_NAME})
  add_library(${target} STATIC ${ARG_SRCS})
  add_library(moneytrail::${ARG_NAME} ALIAS ${target})
  target_include_directories(${target}
    PUBLIC ${PROJECT_SOURCE_DIR}/include
    PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(${target} PRIVATE ${MONEYTRAIL_WARNINGS})
  target_link_libraries(${target} PUBLIC ${ARG_DEPS})
  set_property(GLOBAL APPEND PROPERTY MONEYTRAIL_LIBRARIES ${target})
endfunction()

function(moneytrail_test)
  cmake_parse_arguments(ARG "WHOLE" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  set(target ${ARG_NAME})
  add_executable(${target} ${ARG_SRCS})
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_compile_options(${target} PRIVATE ${MONEYTRAIL_WARNINGS})
  target_link_libraries(${target} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  target_compile_definitions(${target} PRIVATE
    MONEYTRAIL_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    MONEYTRAIL_SHARED_DATA_DIR="${PROJECT_SOURCE_DIR}/../shared/data"
    MONEYTRAIL_BINARY="$<TARGET_FILE:moneytrail>")
  set(labels ${ARG_LABELS})
  if(NOT labels)
    set(labels fast)
  endif()
  if(ARG_WHOLE)
    add_test(NAME ${target} COMMAND ${target})
    set_tests_properties(${target} PROPERTIES LABELS "${labels}")
  else()
    gtest_discover_tests(${target}
      PROPERTIES LABELS "${labels}"
      DISCOVERY_TIMEOUT 60)
  endif()
endfunction()
