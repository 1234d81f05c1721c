# FindMariaDBClient: the MariaDB client library (MariaDB Connector/C: libmariadb and its
# <mysql.h>). Installed next to driftless-config.cmake, which finds it for driftless::mysql.
#
#   find_package(MariaDBClient [<version>] [REQUIRED])
#
# Result: the imported target MariaDB::Client, and
#   MariaDBClient_FOUND
#   MariaDBClient_VERSION        Connector/C's version (MARIADB_PACKAGE_VERSION, e.g. 3.3.20), not
#                                the server's
#   MariaDBClient_INCLUDE_DIRS   the directory holding mysql.h (Debian: /usr/include/mariadb)
#   MariaDBClient_LIBRARIES
# Cache entries MariaDBClient_INCLUDE_DIR and MariaDBClient_LIBRARY may be set to choose one.
#
# pkg-config (libmariadb.pc or mariadb.pc, both from Debian's libmariadb-dev) only provides hints:
# without pkg-config the usual search paths are tried. MySQL's own libmysqlclient is not accepted:
# the search looks for mariadb_version.h, which only Connector/C ships.

find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_search_module(PC_MariaDBClient QUIET libmariadb mariadb)
endif()

find_path(MariaDBClient_INCLUDE_DIR
  NAMES mariadb_version.h
  HINTS ${PC_MariaDBClient_INCLUDE_DIRS}
  PATH_SUFFIXES mariadb)
find_library(MariaDBClient_LIBRARY
  NAMES mariadb libmariadb
  HINTS ${PC_MariaDBClient_LIBRARY_DIRS}
  PATH_SUFFIXES mariadb)
mark_as_advanced(MariaDBClient_INCLUDE_DIR MariaDBClient_LIBRARY)

if(MariaDBClient_INCLUDE_DIR AND NOT EXISTS "${MariaDBClient_INCLUDE_DIR}/mysql.h")
  set(MariaDBClient_INCLUDE_DIR "MariaDBClient_INCLUDE_DIR-NOTFOUND"
    CACHE PATH "Directory of the MariaDB client's mysql.h" FORCE)
endif()

unset(MariaDBClient_VERSION)
if(MariaDBClient_INCLUDE_DIR)
  file(STRINGS "${MariaDBClient_INCLUDE_DIR}/mariadb_version.h" _MariaDBClient_version_line
    REGEX "^#define[ \t]+MARIADB_PACKAGE_VERSION[ \t]+\"[^\"]*\"")
  if(_MariaDBClient_version_line MATCHES "\"([^\"]*)\"")
    set(MariaDBClient_VERSION "${CMAKE_MATCH_1}")
  endif()
  unset(_MariaDBClient_version_line)
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(MariaDBClient
  REQUIRED_VARS MariaDBClient_LIBRARY MariaDBClient_INCLUDE_DIR
  VERSION_VAR MariaDBClient_VERSION
  REASON_FAILURE_MESSAGE "install Debian's libmariadb-dev (or MariaDB Connector/C)")

if(MariaDBClient_FOUND)
  set(MariaDBClient_INCLUDE_DIRS "${MariaDBClient_INCLUDE_DIR}")
  set(MariaDBClient_LIBRARIES "${MariaDBClient_LIBRARY}")
  if(NOT TARGET MariaDB::Client)
    add_library(MariaDB::Client UNKNOWN IMPORTED)
    set_target_properties(MariaDB::Client PROPERTIES
      IMPORTED_LOCATION "${MariaDBClient_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${MariaDBClient_INCLUDE_DIR}")
  endif()
endif()
