// Every output writer of the tool, for the command line.
#pragma once

#include "adl/dot_writer.hpp"
#include "adl/report_writer.hpp"
